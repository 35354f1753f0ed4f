using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// Where prefetching starts to pay: one Adam step over N floats with the element loops' prefetching forced off and on
/// (<c>PrefetchCutOver</c>), on 1 and 2 threads. Steps run back to back, so data that fits in the cache stays there
/// between them: the case where prefetching pays least. The smallest N at which it pays on both thread counts is the
/// cut-over of <c>Step()</c> (<c>PrefetchAhead.CutOver</c>, in bytes of parameter values).
/// </summary>
public class PrefetchCutOverBenchmarks
{
    private Optimizer optimizer = null!;

    [Params(512 * 1024, 1024 * 1024, 2 * 1024 * 1024, 4 * 1024 * 1024, 8 * 1024 * 1024)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(false, true)]
    public bool Prefetch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        optimizer = Workload.Create("Adam", Workload.Parameters([N]));
        optimizer.MaxThreads = Threads;
        optimizer.PrefetchCutOver = Prefetch ? 0 : long.MaxValue;
        optimizer.Step();
    }

    [GlobalCleanup]
    public void Cleanup() => optimizer.Dispose();

    [Benchmark]
    public void AdamStep() => optimizer.Step();
}
