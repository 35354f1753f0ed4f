using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using ScratchOptim.Threading;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// Where the bytes per step of <see cref="OptimizerStepBenchmarks"/>' MemoryDiagnoser column come from: the optimizers
/// and sizes of that class, stepped in a plain process, window after window from the first step after the one that
/// allocates the state, each window counted three ways — this thread, the step workers, and the whole process
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, what an in-process MemoryDiagnoser sees) — and then a window of
/// the same length in which nothing steps. Bytes that the step allocated would grow with the number of steps;
/// bytes the process allocates beside the step (the runtime's tiering, timers, the harness) do not.
/// Run: <c>dotnet run -c Release --project benchmarks/Optim.Benchmarks -- --allocations</c>.
/// </summary>
internal static class AllocationProbe
{
    private static readonly string[] Optimizers = ["Adam", "AdamW", "SGD", "Adagrad"];
    private static readonly int[] Sizes = [1_000_000, 10_000_000];
    private static readonly int[] ThreadCounts = [1, 2];

    /// <summary>Windows of steps per configuration: enough to pass the runtime's tier-up (30 calls, then a background compile).</summary>
    private const int Windows = 8;

    public static void Run(TextWriter output)
    {
        output.WriteLine($"# Allocation probe, {DateTime.UtcNow:u}; load average {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores; {Environment.Version}");
        output.WriteLine("# Bytes per window of steps (first window starts after the step that allocates the state): this thread / workers / whole process; then the process alone with no step, over as long as the last window.");
        output.WriteLine("| Optimizer | N | Threads | Steps per window | this thread (B, each window) | workers (B, each window) | whole process (B, each window) | whole process, idle (B) |");
        output.WriteLine("|---|---:|---:|---:|---|---|---|---:|");
        foreach (string name in Optimizers)
            foreach (int size in Sizes)
                foreach (int threads in ThreadCounts)
                    output.WriteLine(Probe(name, size, threads));
    }

    private static string Probe(string name, int size, int threads)
    {
        using var optimizer = Workload.Create(name, Workload.Parameters([size]));
        optimizer.MaxThreads = threads;
        optimizer.Step(); // allocates the state, as the benchmark's GlobalSetup does
        int steps = size >= 10_000_000 ? 5 : 40;
        var self = new long[Windows];
        var workers = new long[Windows];
        var process = new long[Windows];
        var clock = new Stopwatch();
        for (int window = 0; window < Windows; window++)
        {
            long workersBefore = StepWorkers.Shared.AllocatedBytes;
            long selfBefore = GC.GetAllocatedBytesForCurrentThread();
            long processBefore = GC.GetTotalAllocatedBytes(precise: true);
            clock.Restart();
            for (int step = 0; step < steps; step++) optimizer.Step();
            clock.Stop();
            process[window] = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
            self[window] = GC.GetAllocatedBytesForCurrentThread() - selfBefore;
            workers[window] = StepWorkers.Shared.AllocatedBytes - workersBefore;
        }
        long idleBefore = GC.GetTotalAllocatedBytes(precise: true);
        Thread.Sleep(clock.Elapsed);
        long idle = GC.GetTotalAllocatedBytes(precise: true) - idleBefore;
        return $"| {name} | {size:N0} | {threads} | {steps} | {string.Join(" ", self)} | {string.Join(" ", workers)} | {string.Join(" ", process)} | {idle} |";
    }
}
