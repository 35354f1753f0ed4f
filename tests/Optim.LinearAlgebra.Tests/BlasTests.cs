using System;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>GEMM and the Gram matrix against double-precision triple loops, with error bounds from the sizes.</summary>
public class BlasTests
{
    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                data.Add(ta, tb, 7, 5, 3);
                data.Add(ta, tb, 1, 13, 64);
                data.Add(ta, tb, 33, 17, 129);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_gemm_matches_a_double_triple_loop_for_every_transpose(bool ta, bool tb, int m, int n, int k)
    {
        // Row strides larger than the column counts, so a stride mix-up cannot pass.
        var random = new Random(m * 1000 + n * 10 + k);
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
        float[] a = Reference.ToFloat(Reference.Random(random, (ta ? k : m) * lda));
        float[] b = Reference.ToFloat(Reference.Random(random, (tb ? n : k) * ldb));
        float[] c = Reference.ToFloat(Reference.Random(random, m * ldc));
        const float alpha = 1.5f, beta = -0.75f;
        var (expected, magnitude) = Reference.Gemm(ta, tb, m, n, k, alpha, Reference.ToDouble(a), lda,
            Reference.ToDouble(b), ldb, beta, Reference.ToDouble(c), ldc);
        float[] padding = (float[])c.Clone();

        Blas.Gemm(Op(ta), Op(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        double gamma = (k + 2) * Reference.FloatRoundoff * 1.01;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double error = Math.Abs(c[i * ldc + j] - expected[i * n + j]);
                Assert.True(error <= gamma * magnitude[i * n + j] + float.Epsilon,
                    $"C[{i},{j}] = {c[i * ldc + j]}, expected {expected[i * n + j]} (error {error:e3}, bound {gamma * magnitude[i * n + j]:e3})");
            }

            for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
            {
                Assert.Equal(padding[i * ldc + j], c[i * ldc + j]); // outside C: untouched
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_gemm_matches_a_double_triple_loop_for_every_transpose(bool ta, bool tb, int m, int n, int k)
    {
        var random = new Random(m * 1000 + n * 10 + k + 1);
        double[] a = Reference.Random(random, (ta ? k : m) * (ta ? m : k));
        double[] b = Reference.Random(random, (tb ? n : k) * (tb ? k : n));
        double[] c = Reference.Random(random, m * n);
        const double alpha = -0.3, beta = 2.0;
        var (expected, magnitude) = Reference.Gemm(ta, tb, m, n, k, alpha, a, ta ? m : k, b, tb ? k : n, beta, c, n);

        Blas.Gemm(Op(ta), Op(tb), m, n, k, alpha, a, b, beta, c);

        // The reference itself rounds in double: allow both summations' errors.
        double gamma = 2 * (k + 2) * Reference.DoubleRoundoff * 1.01;
        for (int i = 0; i < m * n; i++)
        {
            Assert.True(Math.Abs(c[i] - expected[i]) <= gamma * magnitude[i] + double.Epsilon,
                $"C[{i / n},{i % n}] = {c[i]}, expected {expected[i]}");
        }
    }

    [Fact]
    public void Beta_zero_does_not_read_C()
    {
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8];
        float[] c = [float.NaN, float.NaN, float.NaN, float.NaN];
        Blas.Gemm(Transpose.None, Transpose.None, 2, 2, 2, 1f, a, b, 0f, c);
        Assert.Equal([19f, 22f, 43f, 50f], c);
    }

    [Fact]
    public void Zero_inner_dimension_scales_C_by_beta()
    {
        double[] c = [1, 2, 3, 4, 5, 6];
        Blas.Gemm(Transpose.None, Transpose.None, 2, 3, 0, 1.0, ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, 0.5, c);
        Assert.Equal([0.5, 1, 1.5, 2, 2.5, 3], c);
    }

    [Theory]
    [InlineData(false, 9, 14)]
    [InlineData(true, 9, 14)]
    [InlineData(false, 40, 3)]
    [InlineData(true, 1, 1)]
    public void Gram_fills_both_triangles_symmetrically_and_matches_the_product(bool transposed, int n, int k)
    {
        var random = new Random(n * 31 + k);
        float[] a = Reference.ToFloat(Reference.Random(random, n * k));
        double[] symmetric = Reference.RandomSymmetric(random, n);
        float[] c = Reference.ToFloat(symmetric);
        const float alpha = 0.5f, beta = 0.25f;
        double[] ad = Reference.ToDouble(a);
        // op(A)·op(A)ᵀ: with trans, A is k × n and the product is Aᵀ·A.
        var (expected, magnitude) = Reference.Gemm(transposed, !transposed, n, n, k, alpha, ad, transposed ? n : k,
            ad, transposed ? n : k, beta, Reference.ToDouble(c), n);

        Blas.Gram(transposed ? Transpose.Transposed : Transpose.None, n, k, alpha, a, beta, c);

        double gamma = (k + 2) * Reference.FloatRoundoff * 1.01;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(c[i * n + j], c[j * n + i]);
                Assert.True(Math.Abs(c[i * n + j] - expected[i * n + j]) <= gamma * magnitude[i * n + j] + float.Epsilon,
                    $"C[{i},{j}] = {c[i * n + j]}, expected {expected[i * n + j]}");
            }
        }
    }

    [Fact]
    public void Double_gram_matches_the_product()
    {
        var random = new Random(5);
        const int n = 12, k = 30;
        double[] a = Reference.Random(random, n * k);
        var c = new double[n * n];
        var (expected, magnitude) = Reference.Gemm(false, true, n, n, k, 1, a, k, a, k, 0, c, n);
        Blas.Gram(Transpose.None, n, k, 1.0, a, 0.0, c);
        for (int i = 0; i < n * n; i++)
        {
            Assert.True(Math.Abs(c[i] - expected[i]) <= 2 * (k + 2) * Reference.DoubleRoundoff * magnitude[i]);
        }
    }

    [Fact]
    public void Wrong_arguments_are_rejected_before_anything_is_written()
    {
        float[] a = new float[6], b = new float[6], c = [1, 2, 3, 4];
        var error = Assert.Throws<ArgumentException>(() => Blas.Gemm(Transpose.None, Transpose.None, 2, 2, 3, 1f, a, 3, b.AsSpan(0, 5), 2, 0f, c, 2));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("has 5 elements, but a 3×2 matrix with row stride 2 needs 6", error.Message);

        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => Blas.Gemm(Transpose.None, Transpose.None, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Equal("lda", stride.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.Gemm(Transpose.None, Transpose.None, -1, 2, 3, 1f, a, b, 0f, c));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.Gemm((Transpose)7, Transpose.None, 2, 2, 3, 1f, a, b, 0f, c));

        float[] shared = new float[16];
        var overlap = Assert.Throws<ArgumentException>(() => Blas.Gemm(Transpose.None, Transpose.None, 2, 2, 2, 1f, shared.AsSpan(0, 4), shared.AsSpan(4, 4), 0f, shared.AsSpan(2, 4)));
        Assert.Equal("c", overlap.ParamName);

        var gram = Assert.Throws<ArgumentException>(() => Blas.Gram(Transpose.None, 3, 2, 1f, new float[6], 0f, new float[8]));
        Assert.Contains("'c' has 8 elements, but a 3×3 matrix has 9", gram.Message);
        Assert.Equal([1f, 2f, 3f, 4f], c);
    }

    [Fact]
    public void Description_names_openblas_and_its_kernel()
    {
        Assert.StartsWith("OpenBLAS", Blas.Description);
        Assert.Contains("(core: ", Blas.Description);
    }

    private static Transpose Op(bool transposed) => transposed ? Transpose.Transposed : Transpose.None;
}
