using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Double;
using ScratchOptim.LinearAlgebra;
using SingleMatrix = MathNet.Numerics.LinearAlgebra.Single.DenseMatrix;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>
/// C = A·B for square n × n matrices, float32 and float64, 1 and 2 threads: the BLAS/LAPACK candidates for
/// ScratchOptim.LinearAlgebra against a cache-blocked managed loop (the baseline of each precision's ratios).
/// Before measuring, each candidate's product is spot-checked against double-precision dot products.
/// </summary>
[Config(typeof(Configuration))]
[CategoriesColumn]
public class GemmBenchmarks
{
    private float[] _af = [], _bf = [], _cf = [];
    private double[] _ad = [], _bd = [], _cd = [];
    private OpenBlasOpenMp _openMp = null!;
    private SingleMatrix _maf = null!, _mbf = null!, _mcf = null!;
    private DenseMatrix _mad = null!, _mbd = null!, _mcd = null!;

    [Params(256, 512, 1024, 2048)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Targets = [nameof(OpenBlasFloat), nameof(OpenBlasDouble)])]
    public void SetupOpenBlas()
    {
        CreateData();
        Blas.ThreadCount = Threads;
        Check(() => Blas.Gemm(Transpose.None, Transpose.None, Size, Size, Size, 1f, _af, _bf, 0f, _cf),
              () => Blas.Gemm(Transpose.None, Transpose.None, Size, Size, Size, 1.0, _ad, _bd, 0.0, _cd));
    }

    [GlobalSetup(Targets = [nameof(OpenBlasOpenMpFloat), nameof(OpenBlasOpenMpDouble)])]
    public void SetupOpenMp()
    {
        CreateData();
        _openMp = new OpenBlasOpenMp(Threads);
        Check(OpenBlasOpenMpFloat, OpenBlasOpenMpDouble);
    }

    [GlobalSetup(Targets = [nameof(MathNetManagedFloat), nameof(MathNetManagedDouble)])]
    public void SetupMathNet()
    {
        CreateData();
        Control.UseManaged();
        Control.MaxDegreeOfParallelism = Threads;
        // Math.NET is column-major: these are the transposes, which does not change the work.
        _maf = new SingleMatrix(Size, Size, _af);
        _mbf = new SingleMatrix(Size, Size, _bf);
        _mcf = new SingleMatrix(Size, Size, _cf);
        _mad = new DenseMatrix(Size, Size, _ad);
        _mbd = new DenseMatrix(Size, Size, _bd);
        _mcd = new DenseMatrix(Size, Size, _cd);
        // Bᵀ·Aᵀ = (A·B)ᵀ: stored column-major, that is A·B row-major.
        Check(() => _mbf.Multiply(_maf, _mcf), () => _mbd.Multiply(_mad, _mcd));
    }

    [GlobalSetup(Targets = [nameof(TensorPrimitivesFloat), nameof(TensorPrimitivesDouble), nameof(PlainLoopFloat), nameof(PlainLoopDouble)])]
    public void SetupManaged()
    {
        CreateData();
        Check(TensorPrimitivesFloat, TensorPrimitivesDouble);
        Check(PlainLoopFloat, PlainLoopDouble);
    }

    [Benchmark(Description = "OpenBLAS pthread (chosen)"), BenchmarkCategory("float32")]
    public void OpenBlasFloat() => Blas.Gemm(Transpose.None, Transpose.None, Size, Size, Size, 1f, _af, _bf, 0f, _cf);

    [Benchmark(Description = "OpenBLAS OpenMP"), BenchmarkCategory("float32")]
    public void OpenBlasOpenMpFloat() => _openMp.Multiply(_af, _bf, _cf, Size);

    [Benchmark(Description = "Math.NET managed"), BenchmarkCategory("float32")]
    public void MathNetManagedFloat() => _mbf.Multiply(_maf, _mcf);

    [Benchmark(Description = "TensorPrimitives rows"), BenchmarkCategory("float32")]
    public void TensorPrimitivesFloat() => ManagedGemm.TensorPrimitivesRows(_af, _bf, _cf, Size, Threads);

    [Benchmark(Baseline = true, Description = "plain blocked loop"), BenchmarkCategory("float32")]
    public void PlainLoopFloat() => ManagedGemm.BlockedLoop(_af, _bf, _cf, Size, Threads);

    [Benchmark(Description = "OpenBLAS pthread (chosen)"), BenchmarkCategory("float64")]
    public void OpenBlasDouble() => Blas.Gemm(Transpose.None, Transpose.None, Size, Size, Size, 1.0, _ad, _bd, 0.0, _cd);

    [Benchmark(Description = "OpenBLAS OpenMP"), BenchmarkCategory("float64")]
    public void OpenBlasOpenMpDouble() => _openMp.Multiply(_ad, _bd, _cd, Size);

    [Benchmark(Description = "Math.NET managed"), BenchmarkCategory("float64")]
    public void MathNetManagedDouble() => _mbd.Multiply(_mad, _mcd);

    [Benchmark(Description = "TensorPrimitives rows"), BenchmarkCategory("float64")]
    public void TensorPrimitivesDouble() => ManagedGemm.TensorPrimitivesRows(_ad, _bd, _cd, Size, Threads);

    [Benchmark(Baseline = true, Description = "plain blocked loop"), BenchmarkCategory("float64")]
    public void PlainLoopDouble() => ManagedGemm.BlockedLoop(_ad, _bd, _cd, Size, Threads);

    private void CreateData()
    {
        var random = new Random(Size);
        int count = Size * Size;
        _ad = Fill(random, count);
        _bd = Fill(random, count);
        _cd = new double[count];
        _af = Array.ConvertAll(_ad, v => (float)v);
        _bf = Array.ConvertAll(_bd, v => (float)v);
        _cf = new float[count];
    }

    /// <summary>Runs each product once and compares 64 random entries of C with double dot products.</summary>
    private void Check(Action multiplyFloat, Action multiplyDouble)
    {
        multiplyFloat();
        multiplyDouble();
        var random = new Random(1);
        for (int probe = 0; probe < 64; probe++)
        {
            int i = random.Next(Size), j = random.Next(Size);
            double exact = 0, magnitude = 0;
            for (int k = 0; k < Size; k++)
            {
                double p = _ad[i * Size + k] * _bd[k * Size + j];
                exact += p;
                magnitude += Math.Abs(p);
            }

            double exactFromFloats = 0;
            for (int k = 0; k < Size; k++)
            {
                exactFromFloats += (double)_af[i * Size + k] * _bf[k * Size + j];
            }

            double floatBound = (Size + 2) * Math.Pow(2, -24) * magnitude * 1.01;
            double doubleBound = 2 * (Size + 2) * Math.Pow(2, -53) * magnitude;
            if (Math.Abs(_cf[i * Size + j] - exactFromFloats) > floatBound || Math.Abs(_cd[i * Size + j] - exact) > doubleBound)
            {
                throw new InvalidOperationException(
                    $"Wrong product at ({i}, {j}): float {_cf[i * Size + j]} vs {exactFromFloats}, double {_cd[i * Size + j]} vs {exact}.");
            }
        }
    }

    private static double[] Fill(Random random, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = 2 * random.NextDouble() - 1;
        }

        return values;
    }

    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddColumn(new GflopsColumn(c => 2.0 * Math.Pow(GflopsColumn.Parameter(c, nameof(Size)), 3)));
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
