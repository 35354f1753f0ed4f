using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ScratchOptim.LinearAlgebra;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>
/// SOAP's heavy kernels on OpenBLAS: symmetric eigendecomposition (?syevd, with eigenvectors) and QR (?geqrf +
/// ?orgqr), each against one n × n × n GEMM of the same precision (the ratio baseline: "costs this many GEMMs").
/// </summary>
[Config(typeof(Configuration))]
[CategoriesColumn]
public class LapackBenchmarks
{
    private double[] _symmetric = [], _general = [], _w = [], _v = [], _c = [];
    private float[] _symmetricF = [], _generalF = [], _wF = [], _vF = [], _cF = [];
    private SymmetricEigensolver<double> _eigen = null!;
    private SymmetricEigensolver<float> _eigenF = null!;
    private HouseholderQr<double> _qr = null!;
    private HouseholderQr<float> _qrF = null!;

    [Params(256, 1024)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Blas.ThreadCount = Threads;
        var random = new Random(Size);
        int n = Size;
        _general = new double[n * n];
        _symmetric = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                _general[i * n + j] = 2 * random.NextDouble() - 1;
            }

            for (int j = 0; j <= i; j++)
            {
                _symmetric[i * n + j] = _symmetric[j * n + i] = 2 * random.NextDouble() - 1;
            }
        }

        _generalF = Array.ConvertAll(_general, v => (float)v);
        _symmetricF = Array.ConvertAll(_symmetric, v => (float)v);
        _w = new double[n];
        _wF = new float[n];
        _v = new double[n * n];
        _vF = new float[n * n];
        _c = new double[n * n];
        _cF = new float[n * n];
        _eigen = new SymmetricEigensolver<double>(n);
        _eigenF = new SymmetricEigensolver<float>(n);
        _qr = new HouseholderQr<double>(n, n);
        _qrF = new HouseholderQr<float>(n, n);
    }

    [Benchmark(Baseline = true, Description = "GEMM n×n×n"), BenchmarkCategory("float32")]
    public void GemmFloat() => Blas.Gemm(Transpose.None, Transpose.None, Size, Size, Size, 1f, _generalF, _symmetricF, 0f, _cF);

    [Benchmark(Description = "eigh (ssyevd)"), BenchmarkCategory("float32")]
    public void EigenFloat() => _eigenF.Decompose(_symmetricF, _wF, _vF);

    [Benchmark(Description = "QR Q (sgeqrf+sorgqr)"), BenchmarkCategory("float32")]
    public void QrFloat() => _qrF.ComputeQ(_generalF, _vF);

    [Benchmark(Baseline = true, Description = "GEMM n×n×n"), BenchmarkCategory("float64")]
    public void GemmDouble() => Blas.Gemm(Transpose.None, Transpose.None, Size, Size, Size, 1.0, _general, _symmetric, 0.0, _c);

    [Benchmark(Description = "eigh (dsyevd)"), BenchmarkCategory("float64")]
    public void EigenDouble() => _eigen.Decompose(_symmetric, _w, _v);

    [Benchmark(Description = "QR Q (dgeqrf+dorgqr)"), BenchmarkCategory("float64")]
    public void QrDouble() => _qr.ComputeQ(_general, _v);

    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
