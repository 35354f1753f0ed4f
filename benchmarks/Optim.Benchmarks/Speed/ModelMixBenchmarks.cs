using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One Adam step over a model-like mix of 200 tensors from 64 to 4M elements (<see cref="Workload.ModelMix"/>,
/// 41.8M floats), on 1 and 2 threads: ScratchOptim's one dispatch over the whole group against PyTorch's fused and
/// foreach forms (malloc tuned). The baseline is PyTorch's fused kernel.
/// </summary>
[MemoryDiagnoser]
public class ModelMixBenchmarks
{
    private Optimizer optimizer = null!;
    private TorchServer? torch;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(ScratchOptimStep))]
    public void SetupScratchOptim()
    {
        optimizer = Workload.Create("Adam", Workload.Parameters(Workload.ModelMix));
        optimizer.MaxThreads = Threads;
        optimizer.Step();
    }

    [GlobalSetup(Target = nameof(TorchFused))]
    public void SetupFused() => torch = TorchServer.Start("adam", "fused", Workload.ModelMix, Threads, tunedMalloc: true);

    [GlobalSetup(Target = nameof(TorchForeach))]
    public void SetupForeach() => torch = TorchServer.Start("adam", "foreach", Workload.ModelMix, Threads, tunedMalloc: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        torch?.Dispose();
        optimizer?.Dispose();
    }

    /// <summary>ScratchOptim: <c>adam.Step()</c> over the 200 tensors.</summary>
    [Benchmark]
    public void ScratchOptimStep() => optimizer.Step();

    /// <summary>PyTorch, <c>fused=True</c>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchFused() => torch!.Steps();

    /// <summary>PyTorch, <c>foreach=True</c>.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForeach() => torch!.Steps();
}
