using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ScratchOptim.Dsl;
using ScratchOptim.LinearAlgebra;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>
/// One step of the generated Muon on a Rows × 1024 float32 weight (1024 × 1024, and 4096 × 1024: torch's (out, in) of a
/// tall layer), in torch's bfloat16 Newton–Schulz and in float32, against what dominates it: the GEMM of the iterate's
/// update (B·X, 1024 × 1024 by the iterate) as the ratio baseline, and the Newton–Schulz call alone. GFLOP/s count
/// GEMM-equivalent work: a Muon step as its Newton–Schulz call, 5·(4·s²·l + 2·s³) (the element passes are not counted).
/// </summary>
[Config(typeof(Configuration))]
[CategoriesColumn]
public class MuonStepBenchmarks
{
    private const int Cols = 1024;
    private float[] _x = [], _b = [], _product = [];
    private Parameter<float> _weightsBFloat16 = null!, _weightsFloat32 = null!;
    private Muon _bfloat16 = null!, _float32 = null!;
    private NewtonSchulz _newtonSchulz = null!;

    [Params(1024, 4096)]
    public int Rows { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Blas.ThreadCount = Threads;
        var random = new Random(Rows);
        _x = Values(random, Rows * Cols);
        _b = Values(random, Cols * Cols);
        _product = new float[Rows * Cols];
        _newtonSchulz = new NewtonSchulz(Rows, Cols, NewtonSchulzPrecision.BFloat16);
        (_weightsBFloat16, _bfloat16) = Create(random, MatrixPrecision.BFloat16);
        (_weightsFloat32, _float32) = Create(random, MatrixPrecision.Float32);
    }

    [Benchmark(Baseline = true, Description = "GEMM B·X")]
    public void Gemm() => Blas.Gemm(Transpose.None, Transpose.Transposed, Rows, Cols, Cols, 1f, _x, _b, 0f, _product);

    [Benchmark(Description = "NS5 bfloat16 alone")]
    public void NewtonSchulzAlone() => _newtonSchulz.Orthogonalize(_x, _product);

    [Benchmark(Description = "Muon step, bfloat16 NS (torch)")]
    public void MuonStepBFloat16() => _bfloat16.Step();

    [Benchmark(Description = "Muon step, float32 NS")]
    public void MuonStepFloat32() => _float32.Step();

    private (Parameter<float>, Muon) Create(Random random, MatrixPrecision precision)
    {
        var weights = new Parameter<float>(Values(random, Rows * Cols), [Rows, Cols], "weights") { Grad = Values(random, Rows * Cols) };
        var muon = new Muon([weights], lr: 0.02, nsPrecision: precision);
        muon.Step(); // the first step makes the state and the solvers
        return (weights, muon);
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(2 * random.NextDouble() - 1);
        return values;
    }

    private static double Flops(BenchmarkCase benchmarkCase)
    {
        int rows = GflopsColumn.Parameter(benchmarkCase, nameof(Rows));
        return benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Gemm)
            ? 2.0 * rows * Cols * Cols
            : NewtonSchulz.FlopsPerCall(rows, Cols, 5);
    }

    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddColumn(new GflopsColumn(Flops));
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByParams);
        }
    }
}

/// <summary>
/// Steps of the generated SOAP on a 1024 × 1024 float32 weight, its default settings: ten steps per operation, so each
/// operation holds one refresh of both eigenbases (precondition frequency 10: a sort, two products and a QR per side)
/// besides the ten projections; the time is per step. The baseline is one 1024³ GEMM. GFLOP/s count the steps'
/// products: per step, 2 Gram products and 8 projections (gradient in, Adam's step and the first moment out, the first
/// moment back in); per refresh, 4 products per side; each 2·n³ (QR and the element passes are not counted).
/// </summary>
[Config(typeof(Configuration))]
public class SoapStepBenchmarks
{
    private const int N = 1024;
    private const int Steps = 10;
    private float[] _a = [], _b = [], _product = [];
    private SOAP _soap = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Blas.ThreadCount = Threads;
        var random = new Random(N);
        _a = Values(random, N * N);
        _b = Values(random, N * N);
        _product = new float[N * N];
        var weights = new Parameter<float>(Values(random, N * N), [N, N], "weights") { Grad = Values(random, N * N) };
        _soap = new SOAP([weights]);
        // The first step builds the preconditioner (an eigendecomposition per side); the rest are what training repeats.
        _soap.Step();
        _soap.Step();
    }

    [Benchmark(Baseline = true, Description = "GEMM 1024³")]
    public void Gemm() => Blas.Gemm(Transpose.None, Transpose.None, N, N, N, 1f, _a, _b, 0f, _product);

    [Benchmark(Description = "SOAP step (1024 × 1024)", OperationsPerInvoke = Steps)]
    public void SoapSteps()
    {
        for (int i = 0; i < Steps; i++) _soap.Step();
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(2 * random.NextDouble() - 1);
        return values;
    }

    private static double Flops(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Gemm)
            ? 2.0 * N * N * N
            : 2.0 * N * N * N * (10 + 8.0 / Steps);

    private sealed class Configuration : ManualConfig
    {
        public Configuration() => AddColumn(new GflopsColumn(Flops));
    }
}
