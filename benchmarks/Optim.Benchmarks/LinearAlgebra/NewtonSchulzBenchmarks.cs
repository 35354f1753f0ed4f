using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ScratchOptim.LinearAlgebra;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>
/// One Newton–Schulz call (5 steps, torch's coefficients) on a Rows × 1024 matrix — 1024 × 1024 and 4096 × 1024 (tall:
/// the Gram matrix is XᵀX) — against the GEMM that dominates it, B·X (1024 × 1024 by the iterate), as the ratio
/// baseline, and the Gram product by SYRK and by GEMM. GFLOP/s count GEMM-equivalent operations: 2·m·n·k per
/// product, so NS5 is 5·(4·s²·l + 2·s³) although SYRK does half of its Gram product's work.
/// </summary>
[Config(typeof(Configuration))]
[CategoriesColumn]
public class NewtonSchulzBenchmarks
{
    private const int Cols = 1024;
    private float[] _gF = [], _xF = [], _gramF = [], _bF = [];
    private double[] _g = [], _x = [], _gram = [], _b = [];
    private NewtonSchulz _float32 = null!, _bfloat16 = null!, _float64 = null!;

    [Params(1024, 4096)]
    public int Rows { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Blas.ThreadCount = Threads;
        var random = new Random(Rows);
        _g = new double[Rows * Cols];
        for (int i = 0; i < _g.Length; i++)
        {
            _g[i] = 2 * random.NextDouble() - 1;
        }

        _gF = Array.ConvertAll(_g, v => (float)v);
        _x = new double[_g.Length];
        _xF = new float[_g.Length];
        _gram = new double[Cols * Cols];
        _gramF = new float[Cols * Cols];
        _b = Array.ConvertAll(new double[Cols * Cols], _ => 2 * random.NextDouble() - 1);
        _bF = Array.ConvertAll(_b, v => (float)v);
        _float32 = new NewtonSchulz(Rows, Cols, NewtonSchulzPrecision.Float32);
        _bfloat16 = new NewtonSchulz(Rows, Cols, NewtonSchulzPrecision.BFloat16);
        _float64 = new NewtonSchulz(Rows, Cols, NewtonSchulzPrecision.Float64);
    }

    [Benchmark(Baseline = true, Description = "GEMM B·X"), BenchmarkCategory("float32")]
    public void GemmFloat() => MultiplyUpdate(_bF, _gF, _xF);

    [Benchmark(Description = "Gram XᵀX by SYRK"), BenchmarkCategory("float32")]
    public void GramSyrkFloat() => Blas.Gram(Transpose.Transposed, Cols, Rows, 1f, _gF, 0f, _gramF);

    [Benchmark(Description = "Gram XᵀX by GEMM"), BenchmarkCategory("float32")]
    public void GramGemmFloat() => Blas.Gemm(Transpose.Transposed, Transpose.None, Cols, Cols, Rows, 1f, _gF, _gF, 0f, _gramF);

    [Benchmark(Description = "NS5 float32"), BenchmarkCategory("float32")]
    public void NewtonSchulzFloat32() => _float32.Orthogonalize(_gF, _xF);

    [Benchmark(Description = "NS5 bfloat16 (torch)"), BenchmarkCategory("float32")]
    public void NewtonSchulzBFloat16() => _bfloat16.Orthogonalize(_gF, _xF);

    [Benchmark(Baseline = true, Description = "GEMM B·X"), BenchmarkCategory("float64")]
    public void GemmDouble() => MultiplyUpdate(_b, _g, _x);

    [Benchmark(Description = "NS5 float64"), BenchmarkCategory("float64")]
    public void NewtonSchulzFloat64() => _float64.Orthogonalize(_g, _x);

    /// <summary>The iterate's update product as NS runs it for this shape: B·X wide, X·Bᵀ tall (same work).</summary>
    private void MultiplyUpdate(float[] b, float[] x, float[] result) =>
        Blas.Gemm(Transpose.None, Transpose.Transposed, Rows, Cols, Cols, 1f, x, b, 0f, result);

    private void MultiplyUpdate(double[] b, double[] x, double[] result) =>
        Blas.Gemm(Transpose.None, Transpose.Transposed, Rows, Cols, Cols, 1.0, x, b, 0.0, result);

    private static double Flops(BenchmarkCase benchmarkCase)
    {
        int rows = GflopsColumn.Parameter(benchmarkCase, nameof(Rows));
        return benchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith("NewtonSchulz", StringComparison.Ordinal)
            ? NewtonSchulz.FlopsPerCall(rows, Cols, 5)
            : 2.0 * rows * Cols * Cols;
    }

    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddColumn(new GflopsColumn(Flops));
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
