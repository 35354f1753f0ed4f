using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>
/// <see cref="MatrixWorkspace{T}"/>, what the generated matrix kernels call: each operation against an independent
/// reference (or the library's own solver it wraps), the argument checks, and no allocation after the first call.
/// </summary>
public class MatrixWorkspaceTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Multiply_computes_products_of_stored_matrices_and_their_transposes(bool transposeLeft, bool transposeRight)
    {
        const int m = 7, n = 5, k = 9;
        var random = new Random(3);
        double[] a = Reference.Random(random, m * k), b = Reference.Random(random, k * n);
        var (expected, magnitude) = Reference.Gemm(transposeLeft, transposeRight, m, n, k, 1, a, transposeLeft ? m : k, b, transposeRight ? k : n, 0, new double[m * n], n);
        var product = new double[m * n];
        new MatrixWorkspace<double>().Multiply(transposeLeft ? Transpose.Transposed : Transpose.None, transposeRight ? Transpose.Transposed : Transpose.None,
            m, n, k, a, b, product);
        for (int i = 0; i < product.Length; i++)
            Assert.True(Math.Abs(product[i] - expected[i]) <= (k + 2) * Reference.DoubleRoundoff * magnitude[i] * 2, $"element {i}");
    }

    [Fact]
    public void Work_matrices_keep_their_memory_per_slot_and_size()
    {
        var workspace = new MatrixWorkspace<float>();
        var first = workspace.Matrix(3, 4, 5);
        first[7] = 42f;
        var again = workspace.Matrix(3, 4, 5);
        Assert.Equal(20, again.Length);
        Assert.Equal(42f, again[7]);
        Assert.True(first == again);
        Assert.False(workspace.Matrix(0, 4, 5) == again);
        Assert.Equal(6, workspace.Matrix(3, 2, 3).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Matrix(-1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Matrix(0, -2, 2));
    }

    [Fact]
    public void Transpose_swaps_rows_and_columns_and_refuses_an_overlapping_output()
    {
        float[] a = Enumerable.Range(0, 6).Select(i => (float)i).ToArray();
        var transposed = new float[6];
        var workspace = new MatrixWorkspace<float>();
        workspace.Transpose(a, transposed, 2, 3);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], transposed);
        Assert.Throws<ArgumentException>(() => workspace.Transpose(a, a, 2, 3));
        Assert.Throws<ArgumentException>(() => workspace.Transpose(a, new float[5], 2, 3));
    }

    [Fact]
    public void Eigenvectors_come_by_eigenvalue_from_the_largest_down()
    {
        const int n = 6;
        double[] symmetric = Reference.RandomSymmetric(new Random(5), n);
        var vectors = new double[n * n];
        new MatrixWorkspace<double>().Eigenvectors(symmetric, vectors, n);
        var ascending = new double[n * n];
        var values = new double[n];
        new SymmetricEigensolver<double>(n).Decompose(symmetric, values, ascending);
        Assert.True(values.SequenceEqual(values.Order()));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(ascending[i * n + (n - 1 - j)], vectors[i * n + j]);
    }

    [Fact]
    public void QrBasis_is_the_Q_of_LAPACKs_QR_and_needs_at_least_as_many_rows_as_columns()
    {
        double[] a = Reference.Random(new Random(8), 7 * 4);
        var q = new double[7 * 4];
        new MatrixWorkspace<double>().QrBasis(a, q, 7, 4);
        var expected = new double[7 * 4];
        new HouseholderQr<double>(7, 4).ComputeQ(a, expected);
        Assert.Equal(expected, q);
        Assert.Throws<ArgumentException>(() => new MatrixWorkspace<double>().QrBasis(new double[12], new double[12], 3, 4));
    }

    [Fact]
    public void EigenvalueOrder_is_the_permutation_that_sorts_the_Rayleigh_quotients_largest_first()
    {
        const int n = 5;
        // A diagonal matrix and the identity basis: the estimates are the diagonal itself, with a tie (3 and 3).
        double[] diagonal = [1, 3, -2, 3, 7];
        var symmetric = new double[n * n];
        var basis = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            symmetric[i * n + i] = diagonal[i];
            basis[i * n + i] = 1;
        }
        var permutation = new double[n * n];
        new MatrixWorkspace<double>().EigenvalueOrder(symmetric, basis, permutation, n);
        // basis · P takes the columns in the order 4, 1, 3, 0, 2: 7, 3, 3 (the earlier one first), 1, -2.
        int[] order = [4, 1, 3, 0, 2];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(order[j] == i ? 1.0 : 0.0, permutation[i * n + j]);
    }

    [Theory]
    [InlineData(NewtonSchulzPrecision.Float64)]
    [InlineData(NewtonSchulzPrecision.Float32)]
    [InlineData(NewtonSchulzPrecision.BFloat16)]
    public void Orthogonalize_is_NewtonSchulz_with_the_given_settings(NewtonSchulzPrecision precision)
    {
        float[] g = Reference.ToFloat(Reference.Random(new Random(9), 6 * 4));
        var options = new NewtonSchulzOptions { Steps = 4, A = 3, B = -3.2, C = 1.2, Eps = 1e-6, Normalization = NewtonSchulzNormalization.NormPlusEpsilon };
        var expected = new float[g.Length];
        new NewtonSchulz(6, 4, precision).Orthogonalize(g, expected, options);
        var result = new float[g.Length];
        var workspace = new MatrixWorkspace<float>();
        workspace.Orthogonalize(g, result, 6, 4, 4, 3, -3.2, 1.2, 1e-6, NewtonSchulzNormalization.NormPlusEpsilon, precision);
        Assert.Equal(expected, result);
        // Another shape gets a solver of its own; the settings are checked as NewtonSchulzOptions checks them.
        workspace.Orthogonalize(new float[12], new float[12], 3, 4, 5, 3.4445, -4.775, 2.0315, 1e-7, NewtonSchulzNormalization.ClampedNorm, precision);
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Orthogonalize(g, result, 6, 4, 100, 3, -3.2, 1.2, 1e-6, NewtonSchulzNormalization.ClampedNorm, precision));
        Assert.Throws<ArgumentException>(() => workspace.Orthogonalize(g, new float[23], 6, 4, 4, 3, -3.2, 1.2, 1e-6, NewtonSchulzNormalization.ClampedNorm, precision));
    }

    [Fact]
    public void Every_operation_allocates_nothing_after_its_first_call()
    {
        const int n = 12;
        var workspace = new MatrixWorkspace<float>();
        float[] a = Reference.ToFloat(Reference.RandomSymmetric(new Random(4), n));
        float[] b = new float[n * n], c = new float[n * n], d = new float[n * n];
        void Everything()
        {
            workspace.Matrix(0, n, n);
            workspace.Multiply(Transpose.Transposed, Transpose.None, n, n, n, a, a, b);
            workspace.Transpose(a, c, n, n);
            workspace.Eigenvectors(a, c, n);
            workspace.QrBasis(b, d, n, n);
            workspace.EigenvalueOrder(a, c, d, n);
            workspace.Orthogonalize(b, d, n, n, 5, 3.4445, -4.775, 2.0315, 1e-7, NewtonSchulzNormalization.ClampedNorm, NewtonSchulzPrecision.BFloat16);
        }
        Everything();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Everything();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
