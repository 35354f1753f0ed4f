using System;
using System.Runtime.InteropServices;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// Matrix products on row-major matrices stored in spans, computed by the chosen <see cref="BlasProvider"/> (OpenBLAS
/// unless told otherwise). Nothing is allocated per call; every argument is checked (dimensions, strides, span lengths,
/// overlapping output) before the library is called.
/// </summary>
/// <remarks>
/// Row-major layout: element (i, j) of a matrix with row stride <c>ld</c> is at <c>i * ld + j</c>; a contiguous
/// matrix has <c>ld</c> equal to its number of columns. The first operation of this library loads the provider's
/// libraries and throws <see cref="OpenBlasNotFoundException"/> (or <see cref="ReferenceBlasNotFoundException"/>)
/// when they are missing.
/// </remarks>
public static unsafe class Blas
{
    /// <summary>The environment variable that chooses the provider: <c>openblas</c> (the default) or <c>reference</c>.</summary>
    public const string ProviderVariable = BlasLoader.ProviderVariable;

    /// <summary>
    /// Which BLAS and LAPACK compute every operation of this library, for the whole process: the value set here before
    /// the first operation, else what <see cref="ProviderVariable"/> (<c>SCRATCHOPTIM_BLAS</c>) says when that operation
    /// runs, else <see cref="BlasProvider.OpenBlas"/>. Once loaded, the provider stays: setting another one throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set to another provider after the first operation, or read while
    /// <see cref="ProviderVariable"/> names no provider.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not a <see cref="BlasProvider"/>.</exception>
    public static BlasProvider Provider
    {
        get => BlasLoader.Provider;
        set => BlasLoader.Choose(value);
    }

    /// <summary>
    /// The number of threads each call uses; process-wide. OpenBLAS: <c>openblas_set_num_threads</c>, starting with
    /// one per core, or <c>OPENBLAS_NUM_THREADS</c>. The reference BLAS runs on the calling thread: the count is 1, and
    /// setting it changes nothing (so a program that sets it runs unchanged on either provider).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public static int ThreadCount
    {
        get => BlasLoader.Loaded.Provider == BlasProvider.OpenBlas ? OpenBlas.GetNumThreads() : 1;
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A BLAS needs at least one thread.");
            }

            if (BlasLoader.Loaded.Provider == BlasProvider.OpenBlas)
            {
                OpenBlas.SetNumThreads(value);
            }
        }
    }

    /// <summary>
    /// What runs the kernels. OpenBLAS: its build configuration and the CPU kernel it chose, e.g.
    /// <c>OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 (core: Haswell)</c>; the reference:
    /// e.g. <c>Reference BLAS and LAPACK 3.11.0 (/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 + …/liblapack.so.3)</c>.
    /// </summary>
    public static string Description
    {
        get
        {
            var loaded = BlasLoader.Loaded;
            if (loaded.Provider == BlasProvider.OpenBlas)
            {
                string config = Marshal.PtrToStringUTF8((nint)OpenBlas.GetConfig()) ?? "OpenBLAS";
                string core = Marshal.PtrToStringUTF8((nint)OpenBlas.GetCoreName()) ?? "unknown";
                return $"{config} (core: {core})";
            }

            int major, minor, patch;
            Lapack.Version(&major, &minor, &patch);
            return $"Reference BLAS and LAPACK {major}.{minor}.{patch} ({loaded.Paths})";
        }
    }

    /// <summary>
    /// C = α·op(A)·op(B) + β·C (SGEMM), with op(A) m × k, op(B) k × n and C m × n, all row-major.
    /// </summary>
    /// <param name="transA">Whether A is stored as op(A) (m × k) or as its transpose (k × m).</param>
    /// <param name="transB">Whether B is stored as op(B) (k × n) or as its transpose (n × k).</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="beta">Scale of C's old value; with β = 0, C's old value is not read (a NaN there does not propagate).</param>
    /// <param name="c">C: read (unless β = 0) and written; must not overlap A or B.</param>
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        MatrixChecks.Distinct(a, c, nameof(a), nameof(c));
        MatrixChecks.Distinct(b, c, nameof(b), nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }

        BlasLoader.EnsureLoaded();
        fixed (float* pa = a, pb = b, pc = c)
        {
            Cblas.Sgemm(Cblas.RowMajor, Op(transA), Op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>C = α·op(A)·op(B) + β·C (DGEMM); see the float overload for the arguments.</summary>
    /// <inheritdoc cref="Gemm(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb,
        double beta, Span<double> c, int ldc)
    {
        CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        MatrixChecks.Distinct(a, c, nameof(a), nameof(c));
        MatrixChecks.Distinct(b, c, nameof(b), nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }

        BlasLoader.EnsureLoaded();
        fixed (double* pa = a, pb = b, pc = c)
        {
            Cblas.Dgemm(Cblas.RowMajor, Op(transA), Op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>C = α·op(A)·op(B) + β·C on contiguous row-major matrices (each row stride is its column count).</summary>
    /// <inheritdoc cref="Gemm(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c) =>
        Gemm(transA, transB, m, n, k, alpha, a, StoredColumns(transA, m, k), b, StoredColumns(transB, k, n), beta, c, Math.Max(1, n));

    /// <summary>C = α·op(A)·op(B) + β·C on contiguous row-major matrices (each row stride is its column count).</summary>
    /// <inheritdoc cref="Gemm(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c) =>
        Gemm(transA, transB, m, n, k, alpha, a, StoredColumns(transA, m, k), b, StoredColumns(transB, k, n), beta, c, Math.Max(1, n));

    /// <summary>
    /// The Gram matrix C = α·op(A)·op(A)ᵀ + β·C (SSYRK), with op(A) n × k and C n × n, both triangles of C written.
    /// </summary>
    /// <param name="trans"><see cref="Transpose.None"/>: A is n × k and C = α·A·Aᵀ + β·C; <see cref="Transpose.Transposed"/>:
    /// A is k × n and C = α·Aᵀ·A + β·C.</param>
    /// <param name="n">Order of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, contiguous row-major.</param>
    /// <param name="beta">Scale of C's old value; only C's upper triangle is read, so C must be symmetric when β ≠ 0.</param>
    /// <param name="c">C, n × n contiguous; must not overlap A.</param>
    /// <remarks>SYRK computes the upper triangle (half GEMM's work) and the lower one is copied from it, so C is
    /// exactly symmetric, as a product A·Aᵀ is in exact arithmetic.</remarks>
    public static void Gram(Transpose trans, int n, int k, float alpha, ReadOnlySpan<float> a, float beta, Span<float> c)
    {
        CheckGram(trans, n, k, a.Length, c.Length);
        MatrixChecks.Distinct(a, c, nameof(a), nameof(c));
        if (n == 0)
        {
            return;
        }

        BlasLoader.EnsureLoaded();
        fixed (float* pa = a, pc = c)
        {
            Cblas.Ssyrk(Cblas.RowMajor, Cblas.Upper, Op(trans), n, k, alpha, pa, StoredColumns(trans, n, k), beta, pc, n);
        }

        MirrorUpperToLower(c, n);
    }

    /// <summary>The Gram matrix C = α·op(A)·op(A)ᵀ + β·C (DSYRK); see the float overload.</summary>
    /// <inheritdoc cref="Gram(Transpose, int, int, float, ReadOnlySpan{float}, float, Span{float})"/>
    public static void Gram(Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, double beta, Span<double> c)
    {
        CheckGram(trans, n, k, a.Length, c.Length);
        MatrixChecks.Distinct(a, c, nameof(a), nameof(c));
        if (n == 0)
        {
            return;
        }

        BlasLoader.EnsureLoaded();
        fixed (double* pa = a, pc = c)
        {
            Cblas.Dsyrk(Cblas.RowMajor, Cblas.Upper, Op(trans), n, k, alpha, pa, StoredColumns(trans, n, k), beta, pc, n);
        }

        MirrorUpperToLower(c, n);
    }

    private static int Op(Transpose trans) => trans switch
    {
        Transpose.None => Cblas.NoTrans,
        Transpose.Transposed => Cblas.Trans,
        _ => throw new ArgumentOutOfRangeException(nameof(trans), trans, "Not a Transpose value."),
    };

    /// <summary>Columns of an operand as stored, when op(X) is rows × cols: the tight row stride.</summary>
    private static int StoredColumns(Transpose trans, int rows, int cols) =>
        Math.Max(1, trans == Transpose.None ? cols : rows);

    private static void CheckGemm(Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        MatrixChecks.Dimension(m, nameof(m));
        MatrixChecks.Dimension(n, nameof(n));
        MatrixChecks.Dimension(k, nameof(k));
        Op(transA);
        Op(transB);
        (int aRows, int aCols) = transA == Transpose.None ? (m, k) : (k, m);
        (int bRows, int bCols) = transB == Transpose.None ? (k, n) : (n, k);
        MatrixChecks.Matrix(aLength, aRows, aCols, lda, "a", nameof(lda));
        MatrixChecks.Matrix(bLength, bRows, bCols, ldb, "b", nameof(ldb));
        MatrixChecks.Matrix(cLength, m, n, ldc, "c", nameof(ldc));
    }

    private static void CheckGram(Transpose trans, int n, int k, int aLength, int cLength)
    {
        MatrixChecks.Dimension(n, nameof(n));
        MatrixChecks.Dimension(k, nameof(k));
        Op(trans);
        (int rows, int cols) = trans == Transpose.None ? (n, k) : (k, n);
        MatrixChecks.Exact(aLength, rows, cols, "a");
        MatrixChecks.Exact(cLength, n, n, "c");
    }

    private static void MirrorUpperToLower<T>(Span<T> c, int n)
    {
        for (int i = 1; i < n; i++)
        {
            Span<T> row = c.Slice(i * n, i);
            for (int j = 0; j < i; j++)
            {
                row[j] = c[j * n + i];
            }
        }
    }
}
