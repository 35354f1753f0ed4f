using System;
using BenchmarkDotNet.Attributes;
using ScratchOptim.Optimizers;
using TorchSharp;
using static TorchSharp.torch;
using OptimizerHelper = TorchSharp.Modules.OptimizerHelper;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace ScratchOptim.TorchSharp.Benchmarks;

/// <summary>
/// One optimizer step over a float32 parameter tensor of <see cref="N"/> elements with its gradient: TorchSharp's own
/// <c>torch.optim</c> class (the baseline) against ScratchOptim's optimizer of the same name stepping the same tensor
/// through <see cref="TorchOptimizer"/>. Both with their defaults but for the values below; ScratchOptim's Adam and
/// AdamW in their default PyTorch 2.x form (TorchSharp's are PyTorch 1.13's).
/// </summary>
[MemoryDiagnoser]
public class OptimizerStepBenchmarks
{
    private const double Lr = 1e-3;

    private TorchParameter parameter = null!;
    private OptimizerHelper torchSharp = null!;
    private TorchOptimizer scratchOptim = null!;

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [Params("Adam", "AdamW", "SGD+momentum")]
    public string Optimizer { get; set; } = "";

    /// <summary>LibTorch's intra-op threads for its element-wise kernels; ScratchOptim's kernels run on one.</summary>
    [Params(1, 2)]
    public int TorchThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(TorchThreads);
        var generator = new Generator(42);
        parameter = new TorchParameter(randn([N], generator: generator));
        parameter.grad = randn([N], generator: generator);
        (string, Tensor)[] named = [("weight", parameter)];
        (torchSharp, scratchOptim) = Optimizer switch
        {
            "Adam" => ((OptimizerHelper)optim.Adam([parameter], Lr), (TorchOptimizer)TorchOptimizer.Create(named, ps => new Adam(ps, Lr))),
            "AdamW" => (optim.AdamW([parameter], Lr, weight_decay: 0.01), TorchOptimizer.Create(named, ps => new AdamW(ps, Lr, weightDecay: 0.01))),
            "SGD+momentum" => (optim.SGD([parameter], Lr, momentum: 0.9), TorchOptimizer.Create(named, ps => new SGD(ps, Lr, momentum: 0.9))),
            _ => throw new ArgumentException($"Unknown optimizer {Optimizer}."),
        };
        // The first steps allocate the state, and SGD's first step copies the gradient into its velocity: the
        // measured steps are the steady ones.
        torchSharp.step();
        scratchOptim.Step();
    }

    [Benchmark(Baseline = true)]
    public void TorchSharp() => torchSharp.step();

    [Benchmark]
    public void ScratchOptim() => scratchOptim.Step();

    [GlobalCleanup]
    public void Cleanup()
    {
        torchSharp.Dispose();
        parameter.Dispose();
    }
}

/// <summary>
/// The memory-bandwidth yardstick for the same run: copying <see cref="N"/> float32 values reads 4N bytes and writes
/// 4N. An Adam step must read p, g, m and v and write p, m and v (28N bytes), SGD with momentum read p, g and the
/// velocity and write p and the velocity (20N bytes); docs/benchmarks.md turns the times into bytes per second.
/// </summary>
public class MemoryCopyBenchmarks
{
    private Tensor source = null!, destination = null!;
    private float[] sourceArray = [], destinationArray = [];

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        source = randn([N]);
        destination = zeros([N]);
        sourceArray = new float[N];
        destinationArray = new float[N];
        Array.Fill(sourceArray, 1f);
        Array.Fill(destinationArray, 0f);
    }

    /// <summary>LibTorch's copy_ on one thread.</summary>
    [Benchmark(Baseline = true)]
    public void TorchCopy() => destination.copy_(source);

    /// <summary>.NET's span copy (memmove).</summary>
    [Benchmark]
    public void SpanCopy() => sourceArray.AsSpan().CopyTo(destinationArray);

    [GlobalCleanup]
    public void Cleanup()
    {
        source.Dispose();
        destination.Dispose();
    }
}
