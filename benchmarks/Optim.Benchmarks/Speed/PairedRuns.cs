using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// The speed ratios of issue 16 measured in pairs, for a machine whose memory bandwidth is shared with its neighbours:
/// BenchmarkDotNet measures one benchmark after another, minutes apart, so a neighbour that starts streaming between
/// ScratchOptim's row and PyTorch's moves their ratio by more than the goals' margins at 10M. Here each round times
/// <see cref="StepsPerRound"/> steps of ScratchOptim and then as many of PyTorch (the order alternates from round to
/// round), so both sides of a ratio see the same neighbours; the table gives the median of the rounds' ratios and
/// their quartiles. Each side first takes one untimed step, so that its threads are awake (ScratchOptim's workers and
/// PyTorch's OpenMP threads sleep after a few hundred microseconds idle), and the machine is left idle for
/// <see cref="Pause"/> between sides, so that the other side's threads have stopped spinning. Both sides step for a
/// second before the first round.
/// Adam also runs in rounds of four sides against <see cref="AdamCeilingBenchmarks.AdamBytesAlone"/>, the step's bytes
/// without its arithmetic (what the arithmetic costs each side, in the same moment), and
/// <see cref="AdamCeilingBenchmarks.AdamReadsAlone"/>, its loads alone: the goal's step time, PyTorch's over the goal's
/// ratio, over the reads' time says whether a step could meet the goal at all in that moment.
/// Run: <c>dotnet run -c Release --project benchmarks/Optim.Benchmarks -- --paired</c>.
/// </summary>
internal static class PairedRuns
{
    private const int StepsPerRound = TorchServer.StepsPerCall;
    private const int Rounds = 21;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1);
    private static readonly string[] Optimizers = ["Adam", "AdamW", "SGD", "Adagrad", "Lion"];
    private static readonly int[] Sizes = [1_000_000, 10_000_000];
    private static readonly int[] ThreadCounts = [1, 2];

    /// <summary>The goals of issue 16 for Adam against PyTorch fused, by size.</summary>
    private static readonly Dictionary<int, double> AdamGoal = new() { [1_000_000] = 1.8, [10_000_000] = 1.2 };

    private const double ScalingGoal = 1.8;

    public static void Run(TextWriter output)
    {
        output.WriteLine($"# Paired rounds, {DateTime.UtcNow:u}; {Environment.ProcessorCount} cores; {Environment.Version}; {Rounds} rounds of {StepsPerRound} steps a side");
        output.WriteLine();
        output.WriteLine("| Optimizer | N | Threads | PyTorch form | ScratchOptim (median step) | PyTorch (median step) | speed-up: median of rounds | quartiles | goal | met? | load average |");
        output.WriteLine("|---|---:|---:|---|---:|---:|---:|---|---:|---|---|");
        foreach (string name in Optimizers)
            foreach (int size in Sizes)
                foreach (int threads in ThreadCounts)
                    output.WriteLine(AgainstPyTorch(name, size, threads));

        output.WriteLine();
        output.WriteLine("| Adam, N | Threads | ScratchOptim (median step) | PyTorch fused (median step) | Adam's bytes alone (median step) | Adam's reads alone (median step) | ScratchOptim over PyTorch: median of rounds | quartiles | bytes alone over PyTorch | quartiles | bytes alone over ScratchOptim | quartiles | goal's step (PyTorch ÷ goal) ÷ reads alone | quartiles | load average |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---|---:|---|---|");
        foreach (int size in Sizes)
            foreach (int threads in ThreadCounts)
                output.WriteLine(AgainstAdamBytes(size, threads));

        output.WriteLine();
        output.WriteLine("| Optimizer | N | 1 thread (median step) | 2 threads (median step) | speed-up: median of rounds | quartiles | goal | met? | load average |");
        output.WriteLine("|---|---:|---:|---:|---:|---|---:|---|---|");
        foreach (string name in Optimizers)
            output.WriteLine(Scaling(name, 10_000_000));
    }

    private static string AgainstPyTorch(string name, int size, int threads)
    {
        // PyTorch has no fused Lion: its Lion is torch operations over the tensor list (torch_step_server.py).
        string form = name == "Lion" ? "foreach" : "fused";
        using var optimizer = Workload.Create(name, Workload.Parameters([size]));
        optimizer.MaxThreads = threads;
        using var torch = TorchServer.Start(name.ToLowerInvariant(), form, [size], threads, tunedMalloc: true);
        WarmUp(optimizer.Step);
        WarmUp(() => torch.Steps());
        string load = LoadAverage();
        var ours = new double[Rounds];
        var theirs = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            for (int side = 0; side < 2; side++)
            {
                if ((side + round) % 2 == 0) ours[round] = Time(optimizer.Step, () => Repeat(optimizer.Step));
                else theirs[round] = Time(() => torch.Steps(1), () => torch.Steps(StepsPerRound));
            }
        }
        double? goal = name == "Adam" && AdamGoal.TryGetValue(size, out double g) ? g : null;
        return $"| {name} | {size / 1_000_000}M | {threads} | {form} | {Format(Median(ours))} | {Format(Median(theirs))} | " +
               $"{Judged(theirs.Zip(ours, (t, o) => t / o).ToArray(), goal)} | {load} → {LoadAverage()} |";
    }

    /// <summary>
    /// Adam against PyTorch fused, against <see cref="AdamCeilingBenchmarks.AdamBytesAlone"/>, a loop that moves the
    /// step's bytes and does none of its arithmetic, and against <see cref="AdamCeilingBenchmarks.AdamReadsAlone"/>, a
    /// loop of its loads alone, in rounds of four sides (the order rotating): where a side takes as long as the bytes
    /// alone, its arithmetic is hidden; where the goal's step time is below the reads' time, no step meets the goal.
    /// </summary>
    private static string AgainstAdamBytes(int size, int threads)
    {
        using var optimizer = Workload.Create("Adam", Workload.Parameters([size]));
        optimizer.MaxThreads = threads;
        using var torch = TorchServer.Start("adam", "fused", [size], threads, tunedMalloc: true);
        var bytesAlone = new AdamCeilingBenchmarks { N = size, Threads = threads };
        bytesAlone.SetupLoops();
        WarmUp(optimizer.Step);
        WarmUp(() => torch.Steps());
        WarmUp(bytesAlone.AdamBytesAlone);
        WarmUp(bytesAlone.AdamReadsAlone);
        string load = LoadAverage();
        var ours = new double[Rounds];
        var theirs = new double[Rounds];
        var bytes = new double[Rounds];
        var reads = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            for (int side = 0; side < 4; side++)
            {
                switch ((side + round) % 4)
                {
                    case 0:
                        ours[round] = Time(optimizer.Step, () => Repeat(optimizer.Step));
                        break;
                    case 1:
                        theirs[round] = Time(() => torch.Steps(1), () => torch.Steps(StepsPerRound));
                        break;
                    case 2:
                        bytes[round] = Time(bytesAlone.AdamBytesAlone, () => Repeat(bytesAlone.AdamBytesAlone));
                        break;
                    default:
                        reads[round] = Time(bytesAlone.AdamReadsAlone, () => Repeat(bytesAlone.AdamReadsAlone));
                        break;
                }
            }
        }
        double goal = AdamGoal[size];
        return $"| {size / 1_000_000}M | {threads} | {Format(Median(ours))} | {Format(Median(theirs))} | {Format(Median(bytes))} | {Format(Median(reads))} | " +
               $"{Spread(theirs.Zip(ours, (t, o) => t / o).ToArray())} | {Spread(theirs.Zip(bytes, (t, b) => t / b).ToArray())} | " +
               $"{Spread(ours.Zip(bytes, (o, b) => o / b).ToArray())} | {Spread(theirs.Zip(reads, (t, r) => t / goal / r).ToArray())} | {load} → {LoadAverage()} |";
    }

    private static string Scaling(string name, int size)
    {
        using var optimizer = Workload.Create(name, Workload.Parameters([size]));
        WarmUp(optimizer.Step);
        string load = LoadAverage();
        var one = new double[Rounds];
        var two = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            for (int side = 0; side < 2; side++)
            {
                optimizer.MaxThreads = (side + round) % 2 == 0 ? 1 : 2;
                (optimizer.MaxThreads == 1 ? one : two)[round] = Time(optimizer.Step, () => Repeat(optimizer.Step));
            }
        }
        double? goal = name == "Adam" ? ScalingGoal : null;
        return $"| {name} | {size / 1_000_000}M | {Format(Median(one))} | {Format(Median(two))} | " +
               $"{Judged(one.Zip(two, (a, b) => a / b).ToArray(), goal)} | {load} → {LoadAverage()} |";
    }

    /// <summary>The cells of a row's rounds: the median ratio, its quartiles, the goal and whether the median meets it.</summary>
    private static string Judged(double[] ratios, double? goal)
    {
        double median = Median(ratios);
        string met = goal is { } g ? (median >= g ? "yes" : "no") : "—";
        return $"{Spread(ratios)} | {(goal is { } shown ? $"{shown}×" : "—")} | {met}";
    }

    /// <summary>The cells of a ratio's rounds: the median and the quartiles.</summary>
    private static string Spread(double[] ratios) => $"{Median(ratios):F2}× | {Quantile(ratios, 0.25):F2}–{Quantile(ratios, 0.75):F2}";

    /// <summary>
    /// Runs <paramref name="steps"/> for <see cref="WarmUpTime"/>: past the runtime's tiering of the step code (compiled
    /// again, optimized, after 30 calls and a pause with no new compilation) and the first touches of the state.
    /// </summary>
    private static void WarmUp(Action steps)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < WarmUpTime) steps();
    }

    /// <summary>
    /// One side of a round: <paramref name="wake"/> (one untimed step, to wake its threads), then
    /// <paramref name="steps"/> (<see cref="StepsPerRound"/> steps) timed, then the pause. Returns microseconds per step.
    /// </summary>
    private static double Time(Action wake, Action steps)
    {
        wake();
        long start = Stopwatch.GetTimestamp();
        steps();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        Thread.Sleep(Pause);
        return elapsed / StepsPerRound;
    }

    private static void Repeat(Action step)
    {
        for (int k = 0; k < StepsPerRound; k++) step();
    }

    private static double Median(double[] values) => Quantile(values, 0.5);

    private static double Quantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    private static string Format(double microseconds) => microseconds >= 1000 ? $"{microseconds / 1000:F2} ms" : $"{microseconds:F0} µs";

    private static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(1));
}
