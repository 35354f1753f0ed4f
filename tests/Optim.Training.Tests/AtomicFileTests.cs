using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>A save never destroys the previous file: failures at every byte, before the rename, and a killed process.</summary>
public class AtomicFileTests
{
    /// <summary>A stream that fails like a full disk once <paramref name="failAt"/> bytes are written (those first bytes do reach the file).</summary>
    private sealed class FailingStream(Stream inner, long failAt) : Stream
    {
        private long written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => written; set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = (int)Math.Min(buffer.Length, failAt - written);
            inner.Write(buffer[..allowed]);
            written += allowed;
            if (allowed < buffer.Length) throw new IOException($"No space left on device (at byte {written}).");
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static SafeTensorsWriter Checkpoint(float value, int version)
    {
        var writer = new SafeTensorsWriter()
            .Add<float>("model.w", Enumerable.Repeat(value, 12).ToArray(), [3, 4])
            .Add<long>("step", new long[] { version });
        writer.Metadata["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return writer;
    }

    [Fact]
    public void A_write_failing_at_any_byte_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        Checkpoint(1f, 1).Save(path);
        byte[] previous = File.ReadAllBytes(path);
        var next = Checkpoint(2f, 2);
        long length = next.Length;
        Assert.Equal(length, previous.Length);

        for (long failAt = 0; failAt < length; failAt++)
        {
            var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => next.WriteTo(new FailingStream(stream, failAt))));
            Assert.Contains("No space left", error.Message);
            Assert.Equal(previous, File.ReadAllBytes(path));
            Assert.Equal(["checkpoint.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
        }

        AtomicFile.Write(path, stream => next.WriteTo(new FailingStream(stream, length)));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("2", file.Metadata["version"]);
    }

    [Fact]
    public void A_failure_after_the_flush_and_before_the_rename_leaves_the_previous_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        Checkpoint(1f, 1).Save(path);
        byte[] previous = File.ReadAllBytes(path);
        string? temporary = null;
        AtomicFile.BeforeRename = file =>
        {
            temporary = file;
            throw new IOException("rename failed");
        };
        try
        {
            Assert.Throws<IOException>(() => Checkpoint(2f, 2).Save(path));
        }
        finally
        {
            AtomicFile.BeforeRename = null;
        }
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(directory.Path, Path.GetDirectoryName(temporary));
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void An_exception_in_the_writer_changes_nothing_and_a_missing_directory_is_named()
    {
        using var directory = new TempDirectory();
        string path = directory.File("state.bin");
        File.WriteAllText(path, "previous");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("NaN in the state");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        string missing = Path.Combine(directory.Path, "no", "such", "dir", "x.bin");
        Assert.Contains(Path.Combine(directory.Path, "no", "such", "dir"), Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(missing, _ => { })).Message);
    }

    /// <summary>
    /// A child process saves checkpoints in a loop (tests/Optim.Training.SaveLoop) and is killed at a random
    /// moment, a hundred times (four children at a time, each with its own checkpoint): the checkpoint on disk is
    /// always a complete one.
    /// </summary>
    [Fact]
    public void A_process_killed_at_random_points_while_saving_leaves_a_loadable_checkpoint_every_time()
    {
        Assert.True(File.Exists(Paths.SaveLoop), $"The child program is not built: {Paths.SaveLoop}");
        const int kills = 100, workers = 4;
        int killedMidSave = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        System.Threading.Tasks.Parallel.For(0, workers, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            using var directory = new TempDirectory();
            var random = new Random(20260101 + worker);
            for (int run = worker; run < kills; run += workers)
            {
                try
                {
                    if (KillDuringSaves(directory, random)) System.Threading.Interlocked.Increment(ref killedMidSave);
                }
                catch (Exception exception)
                {
                    failures.Add($"kill {run}: {exception.Message}");
                }
            }
        });
        Assert.Empty(failures);
        // Most kills must have hit a save in progress, or this test would prove little.
        Assert.True(killedMidSave >= 30, $"only {killedMidSave} of {kills} kills landed during a save");
    }

    /// <summary>Starts the child, kills it a random moment after its first complete save, checks the checkpoint; true when a save was in progress.</summary>
    private static bool KillDuringSaves(TempDirectory directory, Random random)
    {
        const int floats = 1 << 18; // 1 MiB of weights: a save (with its fsync) takes milliseconds
        string path = directory.File("checkpoint.safetensors");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { Paths.SaveLoop, path, floats.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using (var child = Process.Start(start)!)
        {
            string? line = child.StandardOutput.ReadLine();
            if (line != "saved") throw new InvalidOperationException($"the child printed '{line}' instead of 'saved'");
            System.Threading.Thread.Sleep(random.Next(0, 40));
            child.Kill();
            child.WaitForExit();
        }

        var leftovers = Directory.GetFiles(directory.Path, ".checkpoint.safetensors.*.tmp");
        foreach (string leftover in leftovers) File.Delete(leftover);

        using var file = SafeTensorsFile.Open(path);
        long version = long.Parse(file.Metadata["version"], System.Globalization.CultureInfo.InvariantCulture);
        if (version < 1 || file.ReadArray<long>("step")[0] != version) throw new InvalidDataException($"checkpoint {version} has step {file.ReadArray<long>("step")[0]}");
        var weights = file.ReadArray<float>("weights");
        if (weights.Length != floats || weights.Any(w => w != version)) throw new InvalidDataException($"checkpoint {version} holds other weights");
        return leftovers.Length > 0;
    }
}
