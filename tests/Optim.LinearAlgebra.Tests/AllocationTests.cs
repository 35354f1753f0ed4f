using System;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>After the first call (which loads OpenBLAS and binds the entry points), no operation allocates.</summary>
public class AllocationTests
{
    [Fact]
    public void Blas_calls_allocate_nothing()
    {
        float[] a = new float[64 * 48], b = new float[48 * 32], c = new float[64 * 32], gram = new float[64 * 64];
        double[] ad = new double[64 * 48], bd = new double[48 * 32], cd = new double[64 * 32], gramd = new double[64 * 64];
        AssertNoAllocation(() =>
        {
            Blas.Gemm(Transpose.None, Transpose.None, 64, 32, 48, 1f, a, b, 0f, c);
            Blas.Gemm(Transpose.Transposed, Transpose.None, 48, 32, 64, 1f, a, 48, c, 32, 0f, gram, 32);
            Blas.Gemm(Transpose.None, Transpose.None, 64, 32, 48, 1.0, ad, bd, 0.0, cd);
            Blas.Gram(Transpose.None, 64, 48, 1f, a, 0f, gram);
            Blas.Gram(Transpose.None, 64, 48, 1.0, ad, 0.0, gramd);
            _ = Norms.FrobeniusNorm(a) + Norms.FrobeniusNorm(ad);
        });
    }

    [Fact]
    public void Lapack_calls_allocate_nothing_after_construction()
    {
        const int n = 40;
        double[] a = Reference.RandomSymmetric(new Random(1), n);
        float[] af = Reference.ToFloat(a);
        double[] w = new double[n], v = new double[n * n], q = new double[n * n];
        float[] wf = new float[n], vf = new float[n * n], qf = new float[n * n];
        var eigen = new SymmetricEigensolver<double>(n);
        var eigenf = new SymmetricEigensolver<float>(n);
        var qr = new HouseholderQr<double>(n, n);
        var qrf = new HouseholderQr<float>(n, n);
        AssertNoAllocation(() =>
        {
            eigen.Decompose(a, w, v);
            eigenf.Decompose(af, wf, vf);
            qr.ComputeQ(a, q);
            qrf.ComputeQ(af, qf);
        });
    }

    [Theory]
    [InlineData(NewtonSchulzPrecision.Float64)]
    [InlineData(NewtonSchulzPrecision.Float32)]
    [InlineData(NewtonSchulzPrecision.BFloat16)]
    public void Newton_schulz_allocates_nothing_after_construction(NewtonSchulzPrecision precision)
    {
        double[] g = Reference.Random(new Random(2), 30 * 20);
        float[] gf = Reference.ToFloat(g);
        double[] x = new double[g.Length];
        float[] xf = new float[g.Length];
        var tall = new NewtonSchulz(30, 20, precision);
        var wide = new NewtonSchulz(20, 30, precision);
        var options = new NewtonSchulzOptions { Steps = 3 };
        AssertNoAllocation(() =>
        {
            tall.Orthogonalize(g, x);
            tall.Orthogonalize(gf, xf, options);
            wide.Orthogonalize(gf, xf);
            wide.Orthogonalize(g, x, options);
        });
    }

    private static void AssertNoAllocation(Action action)
    {
        action(); // first call: binds the native entry points, JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
