using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// A child process saves checkpoints in a loop (tests/Optim.Training.SaveLoop) and is killed at a random moment, a
/// hundred times or more (four children at a time, each with its own checkpoint): the checkpoint on disk always loads,
/// whole.
/// </summary>
public class CheckpointCrashTests
{
    private const float LearningRate = 0.5f, Momentum = 0.9f;

    [Fact]
    public void A_process_killed_at_random_points_while_saving_leaves_a_loadable_checkpoint_every_time()
    {
        Assert.True(File.Exists(Paths.SaveLoop), $"The child program is not built: {Paths.SaveLoop}");
        // At least a hundred kills, all of which must leave a loadable checkpoint; on a loaded machine fewer kills land
        // during a save, so the test goes on (up to a cap) until enough have, or it would prove little.
        const int kills = 100, killsDuringSave = 30, maxKills = 400, workers = 4;
        int killed = 0, killedMidSave = 0;
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            using var directory = new TempDirectory();
            var random = new Random(20260101 + worker);
            while (failures.IsEmpty && Volatile.Read(ref killed) < maxKills
                   && (Volatile.Read(ref killed) < kills || Volatile.Read(ref killedMidSave) < killsDuringSave))
            {
                int run = Interlocked.Increment(ref killed);
                try
                {
                    if (KillDuringSaves(directory, random)) Interlocked.Increment(ref killedMidSave);
                }
                catch (Exception exception)
                {
                    failures.Add($"kill {run}: {exception.Message}");
                }
            }
        });
        Assert.Empty(failures);
        Assert.True(killedMidSave >= killsDuringSave, $"only {killedMidSave} of {killed} kills landed during a save");
    }

    /// <summary>Starts the child, kills it a random moment after its first complete save, loads the checkpoint; true when a save was in progress.</summary>
    private static bool KillDuringSaves(TempDirectory directory, Random random)
    {
        const int floats = 1 << 17; // 1 MiB of weights and momentum: a save (with its fsync) takes milliseconds
        string path = directory.File("checkpoint.safetensors");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { Paths.SaveLoop, path, floats.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using (var child = Process.Start(start)!)
        {
            string? line = child.StandardOutput.ReadLine();
            if (line != "saved") throw new InvalidOperationException($"the child printed '{line}' instead of 'saved'");
            Thread.Sleep(random.Next(0, 40));
            child.Kill();
            child.WaitForExit();
        }

        var leftovers = Directory.GetFiles(directory.Path, ".checkpoint.safetensors.*.tmp");
        foreach (string leftover in leftovers) File.Delete(leftover);

        var weights = new Parameter<float>(new float[floats], "weights");
        var optimizer = new SGD([weights], lr: LearningRate, momentum: Momentum);
        var checkpoint = new Checkpoint(optimizer);
        checkpoint.Load(path);
        int version = int.Parse(checkpoint.Metadata["version"], CultureInfo.InvariantCulture);
        if (version < 1 || optimizer.StepCount(weights) != version)
            throw new InvalidDataException($"checkpoint {version} has taken {optimizer.StepCount(weights)} steps");
        if (weights.Data.ToArray().Any(w => w != version)) throw new InvalidDataException($"checkpoint {version} holds other weights");
        float expected = MomentumAfter(version);
        if (optimizer.State<float>(weights, "momentum_buffer").ToArray().Any(b => b != expected))
            throw new InvalidDataException($"checkpoint {version} holds another momentum buffer (expected {expected})");
        return leftovers.Length > 0;
    }

    /// <summary>SGD's momentum buffer after <paramref name="steps"/> steps on a gradient of 1: 1, then momentum × buffer + 1, in float.</summary>
    private static float MomentumAfter(int steps)
    {
        float buffer = 1;
        for (int t = 2; t <= steps; t++) buffer = Momentum * buffer + 1;
        return buffer;
    }
}
