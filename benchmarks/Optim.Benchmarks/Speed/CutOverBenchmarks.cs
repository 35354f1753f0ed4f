using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// Where two threads start to pay: one Adam step over N elements with the step always split over the threads
/// (<c>ParallelCutOver</c> 0), on 1 and 2 threads. The smallest N at which 2 threads beat 1 is the cut-over below which
/// <c>Step()</c> stays on the calling thread (<c>Optimizer.DefaultParallelCutOver</c>).
/// </summary>
public class CutOverBenchmarks
{
    private Optimizer optimizer = null!;

    [Params(8 * 1024, 16 * 1024, 32 * 1024, 64 * 1024, 128 * 1024, 256 * 1024)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        optimizer = Workload.Create("Adam", Workload.Parameters([N]));
        optimizer.MaxThreads = Threads;
        optimizer.ParallelCutOver = 0;
        optimizer.Step();
    }

    [GlobalCleanup]
    public void Cleanup() => optimizer.Dispose();

    [Benchmark]
    public void AdamStep() => optimizer.Step();
}
