using System;
using System.IO;
using System.Linq;
using ScratchOptim.LinearAlgebra;
using Xunit;

namespace ScratchOptim.ReferenceBlas.Tests;

/// <summary>
/// This process runs on Netlib's reference BLAS and LAPACK (<see cref="ReferenceProvider"/>): they are what is loaded,
/// LAPACK's own BLAS calls go to the reference BLAS too (OpenBLAS is never mapped), the OpenBLAS-only settings degrade
/// as documented, and the operations are right.
/// </summary>
public class ProviderTests
{
    [Fact]
    public void The_reference_libraries_from_Debians_folders_are_loaded()
    {
        Assert.Equal(BlasProvider.Reference, Blas.Provider);
        Assert.Matches(@"^Reference BLAS and LAPACK 3\.\d+\.\d+ \(/usr/lib/[a-z0-9_]+-linux-gnu/blas/libblas\.so\.3 \+ /usr/lib/[a-z0-9_]+-linux-gnu/lapack/liblapack\.so\.3\)$",
            Blas.Description);
    }

    [Fact]
    public void OpenBLAS_is_not_in_the_process_after_products_an_eigendecomposition_and_a_QR()
    {
        // Debian's liblapack.so.3 depends on libblas.so.3, which on the default search path is the system's alternative
        // (OpenBLAS once it is installed): only if the loader bound it to the reference BLAS loaded first does no
        // OpenBLAS appear here, and LAPACK's inner products are the reference ones PyTorch ran on.
        var workspace = new MatrixWorkspace<float>();
        float[] a = [4, 1, 0, 1, 3, 1, 0, 1, 2];
        var product = new float[9];
        workspace.Multiply(Transpose.Transposed, Transpose.None, 3, 3, 3, a, a, product);
        var vectors = new float[9];
        workspace.Eigenvectors(product, vectors, 3);
        var q = new float[9];
        workspace.QrBasis(product, q, 3, 3);

        string[] mapped = File.ReadAllLines("/proc/self/maps");
        Assert.DoesNotContain(mapped, line => line.Contains("openblas", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(mapped, line => line.Contains("/blas/libblas.so.3", StringComparison.Ordinal));
        Assert.Contains(mapped, line => line.Contains("/lapack/liblapack.so.3", StringComparison.Ordinal));
    }

    [Fact]
    public void The_thread_count_is_one_and_setting_it_changes_nothing()
    {
        Assert.Equal(1, Blas.ThreadCount);
        Blas.ThreadCount = 4;
        Assert.Equal(1, Blas.ThreadCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.ThreadCount = 0);
    }

    [Fact]
    public void Once_loaded_the_provider_cannot_be_switched()
    {
        _ = Blas.Description; // loaded
        Blas.Provider = BlasProvider.Reference; // the same provider again is fine
        var error = Assert.Throws<InvalidOperationException>(() => Blas.Provider = BlasProvider.OpenBlas);
        Assert.Contains("has loaded Reference already", error.Message);
        Assert.Contains("SCRATCHOPTIM_BLAS", error.Message);
        Assert.Equal(BlasProvider.Reference, Blas.Provider);
    }

    [Fact]
    public void Products_with_transposes_and_row_strides_match_a_double_loop()
    {
        var random = new Random(7);
        const int m = 5, n = 4, k = 6, lda = 9, ldb = 7, ldc = 8;
        foreach (var (transA, transB) in new[] { (Transpose.None, Transpose.None), (Transpose.Transposed, Transpose.None), (Transpose.None, Transpose.Transposed), (Transpose.Transposed, Transpose.Transposed) })
        {
            int aRows = transA == Transpose.None ? m : k, bRows = transB == Transpose.None ? k : n;
            double[] a = Enumerable.Range(0, aRows * lda).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] b = Enumerable.Range(0, bRows * ldb).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] c = Enumerable.Range(0, m * ldc).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] expected = (double[])c.Clone();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int l = 0; l < k; l++)
                        sum += (transA == Transpose.None ? a[i * lda + l] : a[l * lda + i]) * (transB == Transpose.None ? b[l * ldb + j] : b[j * ldb + l]);
                    expected[i * ldc + j] = 1.5 * sum - 0.5 * c[i * ldc + j];
                }

            Blas.Gemm(transA, transB, m, n, k, 1.5, a, lda, b, ldb, -0.5, c, ldc);

            for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], 1e-13);
        }
    }

    [Fact]
    public void The_eigendecomposition_and_QR_satisfy_their_definitions()
    {
        const int n = 7;
        var random = new Random(3);
        double[] g = Enumerable.Range(0, n * n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var a = new double[n * n];
        Blas.Gram(Transpose.Transposed, n, n, 1.0, g, 0.0, a);
        var w = new double[n];
        var v = new double[n * n];
        new SymmetricEigensolver<double>(n).Decompose(a, w, v);
        for (int j = 0; j < n; j++)
        {
            if (j > 0) Assert.True(w[j - 1] <= w[j], "eigenvalues ascending");
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int l = 0; l < n; l++) av += a[i * n + l] * v[l * n + j];
                Assert.Equal(w[j] * v[i * n + j], av, 1e-12);
            }
        }

        var q = new double[n * n];
        new HouseholderQr<double>(n, n).ComputeQ(g, q);
        var qtq = new double[n * n];
        Blas.Gemm(Transpose.Transposed, Transpose.None, n, n, n, 1.0, q, q, 0.0, qtq);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(i == j ? 1.0 : 0.0, qtq[i * n + j], 1e-14);
        // Q·R = G with R = Qᵀ·G upper triangular.
        var r = new double[n * n];
        Blas.Gemm(Transpose.Transposed, Transpose.None, n, n, n, 1.0, q, g, 0.0, r);
        for (int i = 1; i < n; i++)
            for (int j = 0; j < i; j++)
                Assert.Equal(0.0, r[i * n + j], 1e-14);
    }
}
