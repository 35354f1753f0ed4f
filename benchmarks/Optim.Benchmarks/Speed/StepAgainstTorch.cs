using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One step of one optimizer over one float32 tensor of N elements, on 1 and 2 threads: ScratchOptim's <c>Step()</c>
/// against PyTorch 2.x stepping the same optimizer with malloc tuned, as <c>torch._foreach_*</c> operations over the
/// tensor list and one tensor operation after another. The step classes add PyTorch's fused form where it has one.
/// </summary>
[MemoryDiagnoser]
public abstract class StepAgainstTorch
{
    private Optimizer optimizer = null!;

    /// <summary>PyTorch, started by the setup of the PyTorch row being measured.</summary>
    private protected TorchServer? Torch { get; set; }

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The optimizer stepped: a name of <see cref="Workload.Create"/>.</summary>
    protected abstract string OptimizerName { get; }

    [GlobalSetup(Target = nameof(ScratchOptimStep))]
    public void SetupScratchOptim()
    {
        optimizer = Workload.Create(OptimizerName, Workload.Parameters([N]));
        optimizer.MaxThreads = Threads;
        // The first step allocates the state; the measured ones must not.
        optimizer.Step();
    }

    [GlobalSetup(Target = nameof(TorchForeach))]
    public void SetupForeach() => Torch = TorchServer.Start(OptimizerName.ToLowerInvariant(), "foreach", [N], Threads, tunedMalloc: true);

    [GlobalSetup(Target = nameof(TorchForLoop))]
    public void SetupForLoop() => Torch = TorchServer.Start(OptimizerName.ToLowerInvariant(), "forloop", [N], Threads, tunedMalloc: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        Torch?.Dispose();
        optimizer?.Dispose();
    }

    /// <summary>ScratchOptim: <c>optimizer.Step()</c>, its generated kernel on <see cref="Threads"/> threads.</summary>
    [Benchmark]
    public void ScratchOptimStep() => optimizer.Step();

    /// <summary>PyTorch, <c>foreach=True</c>: <c>torch._foreach_*</c> operations over the tensor list.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForeach() => Torch!.Steps();

    /// <summary>PyTorch, <c>foreach=False</c>: one tensor operation after another.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForLoop() => Torch!.Steps();
}
