using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One step of Adam, AdamW, SGD with momentum and Adagrad over one float32 tensor of N elements, on 1 and 2 threads:
/// ScratchOptim's <c>Step()</c> against PyTorch 2.x's three CPU forms (fused, foreach, for-loop) with malloc tuned.
/// The baseline is PyTorch's fused kernel: the Ratio column is our time over its time.
/// </summary>
[MemoryDiagnoser]
public class OptimizerStepBenchmarks
{
    private Optimizer optimizer = null!;
    private TorchServer? torch;

    [Params("Adam", "AdamW", "SGD", "Adagrad")]
    public string Optimizer { get; set; } = "";

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(ScratchOptimStep))]
    public void SetupScratchOptim()
    {
        optimizer = Workload.Create(Optimizer, Workload.Parameters([N]));
        optimizer.MaxThreads = Threads;
        // The first step allocates the state; the measured ones must not.
        optimizer.Step();
    }

    [GlobalSetup(Target = nameof(TorchFused))]
    public void SetupFused() => torch = TorchServer.Start(Optimizer.ToLowerInvariant(), "fused", [N], Threads, tunedMalloc: true);

    [GlobalSetup(Target = nameof(TorchForeach))]
    public void SetupForeach() => torch = TorchServer.Start(Optimizer.ToLowerInvariant(), "foreach", [N], Threads, tunedMalloc: true);

    [GlobalSetup(Target = nameof(TorchForLoop))]
    public void SetupForLoop() => torch = TorchServer.Start(Optimizer.ToLowerInvariant(), "forloop", [N], Threads, tunedMalloc: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        torch?.Dispose();
        optimizer?.Dispose();
    }

    /// <summary>ScratchOptim: <c>optimizer.Step()</c>, its generated kernel on <see cref="Threads"/> threads.</summary>
    [Benchmark]
    public void ScratchOptimStep() => optimizer.Step();

    /// <summary>PyTorch, <c>fused=True</c>: one fused ATen CPU kernel per tensor.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchFused() => torch!.Steps();

    /// <summary>PyTorch, <c>foreach=True</c>: <c>torch._foreach_*</c> operations over the tensor list.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForeach() => torch!.Steps();

    /// <summary>PyTorch, <c>foreach=False</c>: one tensor operation after another.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForLoop() => torch!.Steps();
}
