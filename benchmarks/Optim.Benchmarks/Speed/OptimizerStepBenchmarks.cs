using BenchmarkDotNet.Attributes;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One step of Adam, AdamW, SGD with momentum and Adagrad over one float32 tensor of N elements, on 1 and 2 threads:
/// ScratchOptim's <c>Step()</c> against PyTorch 2.x's three CPU forms (fused, foreach, for-loop) with malloc tuned.
/// The baseline is PyTorch's fused kernel: the Ratio column is our time over its time.
/// </summary>
public class OptimizerStepBenchmarks : StepAgainstTorch
{
    [Params("Adam", "AdamW", "SGD", "Adagrad")]
    public string Optimizer { get; set; } = "";

    protected override string OptimizerName => Optimizer;

    [GlobalSetup(Target = nameof(TorchFused))]
    public void SetupFused() => Torch = TorchServer.Start(Optimizer.ToLowerInvariant(), "fused", [N], Threads, tunedMalloc: true);

    /// <summary>PyTorch, <c>fused=True</c>: one fused ATen CPU kernel per tensor.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchFused() => Torch!.Steps();
}
