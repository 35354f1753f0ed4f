using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>
/// Symmetric eigendecomposition and QR against their defining properties (residual, orthogonality, ordering) with
/// size-derived tolerances, and against independent double references (cyclic Jacobi, modified Gram–Schmidt).
/// </summary>
public class LapackTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(33)]
    [InlineData(80)]
    public void Double_eigendecomposition_reconstructs_the_matrix_with_eigenvectors_in_columns(int n)
    {
        var random = new Random(n);
        double[] a = Reference.RandomSymmetric(random, n);
        var w = new double[n];
        var v = new double[n * n];

        new SymmetricEigensolver<double>(n).Decompose(a, w, v);

        AssertEigenpairs(a, w, v, n, tolerance: 50 * n * Reference.DoubleRoundoff * FrobeniusNorm(a));
        double[] jacobi = Reference.JacobiEigenvalues(a, n);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(w[i] - jacobi[i]) <= 50 * n * Reference.DoubleRoundoff * FrobeniusNorm(a), $"λ{i} = {w[i]}, Jacobi {jacobi[i]}");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(48)]
    public void Float_eigendecomposition_reconstructs_the_matrix(int n)
    {
        double[] exact = Reference.RandomSymmetric(new Random(100 + n), n);
        float[] a = Reference.ToFloat(exact);
        var w = new float[n];
        var v = new float[n * n];

        new SymmetricEigensolver<float>(n).Decompose(a, w, v);

        AssertEigenpairs(Reference.ToDouble(a), Reference.ToDouble(w), Reference.ToDouble(v), n,
            tolerance: 50 * n * Reference.FloatRoundoff * FrobeniusNorm(exact));
    }

    [Fact]
    public void Only_the_lower_triangle_is_read_as_torch_linalg_eigh_does()
    {
        const int n = 6;
        double[] a = Reference.RandomSymmetric(new Random(9), n);
        double[] garbageAbove = (double[])a.Clone();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                garbageAbove[i * n + j] = double.NaN;
            }
        }

        var solver = new SymmetricEigensolver<double>(n);
        double[] w1 = new double[n], v1 = new double[n * n], w2 = new double[n], v2 = new double[n * n];
        solver.Decompose(a, w1, v1);
        solver.Decompose(garbageAbove, w2, v2);
        Assert.Equal(w1, w2);
        Assert.Equal(v1, v2);
    }

    [Fact]
    public void In_place_decomposition_equals_the_out_of_place_one()
    {
        const int n = 7;
        double[] a = Reference.RandomSymmetric(new Random(11), n);
        var solver = new SymmetricEigensolver<double>(n);
        double[] w = new double[n], v = new double[n * n], wInPlace = new double[n];
        solver.Decompose(a, w, v);
        solver.Decompose(a, wInPlace, a);
        Assert.Equal(w, wInPlace);
        Assert.Equal(v, a);
    }

    [Fact]
    public void Eigensolver_rejects_non_finite_input_and_wrong_lengths_naming_the_place()
    {
        var solver = new SymmetricEigensolver<float>(3);
        float[] a = [1, 0, 0, 0, 1, 0, 0, float.PositiveInfinity, 1];
        var error = Assert.Throws<ArgumentException>(() => solver.Decompose(a, new float[3], new float[9]));
        Assert.Contains("row 2, column 1", error.Message);
        Assert.Throws<ArgumentException>(() => solver.Decompose(new float[9], new float[2], new float[9]));
        Assert.Throws<ArgumentException>(() => solver.Decompose(new float[8], new float[3], new float[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SymmetricEigensolver<double>(0));
    }

    [Theory]
    [InlineData(9, 6)]
    [InlineData(16, 16)]
    [InlineData(5, 8)]
    [InlineData(1, 1)]
    public void Qr_gives_householder_q_equal_to_gram_schmidt_up_to_column_signs(int m, int n)
    {
        double[] a = Reference.Random(new Random(m * 17 + n), m * n);
        int k = Math.Min(m, n);
        var q = new double[m * k];

        new HouseholderQr<double>(m, n).ComputeQ(a, q);

        double[] expected = Reference.GramSchmidtQ(a, m, n);
        double tolerance = 1e-10 * m;
        for (int j = 0; j < k; j++)
        {
            double sign = Math.Sign(Enumerable.Range(0, m).Sum(i => q[i * k + j] * expected[i * k + j]));
            Assert.True(sign != 0);
            for (int i = 0; i < m; i++)
            {
                Assert.True(Math.Abs(q[i * k + j] - sign * expected[i * k + j]) <= tolerance,
                    $"Q[{i},{j}] = {q[i * k + j]}, Gram–Schmidt {sign * expected[i * k + j]}");
            }
        }

        AssertOrthonormalColumns(q, m, k, 20 * m * Reference.DoubleRoundoff);
    }

    [Fact]
    public void Float_qr_reproduces_a_as_q_times_an_upper_triangular_r()
    {
        const int m = 40, n = 24;
        float[] a = Reference.ToFloat(Reference.Random(new Random(2), m * n));
        var q = new float[m * n];
        new HouseholderQr<float>(m, n).ComputeQ(a, q);
        double[] qd = Reference.ToDouble(q), ad = Reference.ToDouble(a);
        AssertOrthonormalColumns(qd, m, n, 20 * m * Reference.FloatRoundoff);

        // R = Qᵀ·A is upper triangular, and Q·R = A.
        var (r, _) = Reference.Gemm(true, false, n, n, m, 1, qd, n, ad, n, 0, new double[n * n], n);
        var (qr, _) = Reference.Gemm(false, false, m, n, n, 1, qd, n, r, n, 0, new double[m * n], n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                Assert.True(Math.Abs(r[i * n + j]) <= 1e-5, $"R[{i},{j}] = {r[i * n + j]}");
            }
        }

        for (int i = 0; i < m * n; i++)
        {
            Assert.True(Math.Abs(qr[i] - ad[i]) <= 1e-5, $"(QR)[{i}] = {qr[i]}, A = {ad[i]}");
        }
    }

    [Fact]
    public void Qr_checks_lengths()
    {
        var qr = new HouseholderQr<double>(4, 3);
        Assert.Equal(3, qr.QColumns);
        Assert.Throws<ArgumentException>(() => qr.ComputeQ(new double[12], new double[11]));
        Assert.Throws<ArgumentException>(() => qr.ComputeQ(new double[11], new double[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HouseholderQr<float>(0, 3));
    }

    private static void AssertEigenpairs(double[] a, double[] w, double[] v, int n, double tolerance)
    {
        for (int i = 1; i < n; i++)
        {
            Assert.True(w[i - 1] <= w[i], "eigenvalues ascending");
        }

        for (int j = 0; j < n; j++)
        {
            // A·v_j = λ_j·v_j, with v_j column j of the row-major V.
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int l = 0; l < n; l++)
                {
                    av += a[i * n + l] * v[l * n + j];
                }

                Assert.True(Math.Abs(av - w[j] * v[i * n + j]) <= tolerance, $"(A·v{j})[{i}] = {av}, λ·v = {w[j] * v[i * n + j]}");
            }
        }

        AssertOrthonormalColumns(v, n, n, tolerance);
    }

    private static void AssertOrthonormalColumns(double[] q, int m, int k, double tolerance)
    {
        for (int p = 0; p < k; p++)
        {
            for (int r = 0; r < k; r++)
            {
                double dot = 0;
                for (int i = 0; i < m; i++)
                {
                    dot += q[i * k + p] * q[i * k + r];
                }

                Assert.True(Math.Abs(dot - (p == r ? 1 : 0)) <= tolerance, $"(QᵀQ)[{p},{r}] = {dot}");
            }
        }
    }

    private static double FrobeniusNorm(double[] a) => Math.Sqrt(a.Sum(x => x * x));
}
