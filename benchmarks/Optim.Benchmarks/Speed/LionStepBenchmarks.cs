using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One step of Lion over one float32 tensor of N elements, on 1 and 2 threads, as <see cref="OptimizerStepBenchmarks"/>
/// steps the others: PyTorch has no Lion, fused or not, so ScratchOptim's <c>Step()</c> is compared with Lion written
/// in torch operations (tools/benchmarks/torch_step_server.py) over the tensor list (<c>torch._foreach_*</c>,
/// the baseline) and one tensor operation after another.
/// </summary>
[MemoryDiagnoser]
public class LionStepBenchmarks
{
    private Optimizer optimizer = null!;
    private TorchServer? torch;

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(ScratchOptimStep))]
    public void SetupScratchOptim()
    {
        optimizer = Workload.Create("Lion", Workload.Parameters([N]));
        optimizer.MaxThreads = Threads;
        optimizer.Step();
    }

    [GlobalSetup(Target = nameof(TorchForeach))]
    public void SetupForeach() => torch = TorchServer.Start("lion", "foreach", [N], Threads, tunedMalloc: true);

    [GlobalSetup(Target = nameof(TorchForLoop))]
    public void SetupForLoop() => torch = TorchServer.Start("lion", "forloop", [N], Threads, tunedMalloc: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        torch?.Dispose();
        optimizer?.Dispose();
    }

    /// <summary>ScratchOptim: <c>lion.Step()</c>.</summary>
    [Benchmark]
    public void ScratchOptimStep() => optimizer.Step();

    /// <summary>Lion in <c>torch._foreach_*</c> operations over the tensor list.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForeach() => torch!.Steps();

    /// <summary>Lion in torch operations, one tensor operation after another.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForLoop() => torch!.Steps();
}
