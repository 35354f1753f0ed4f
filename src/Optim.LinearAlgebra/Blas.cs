using System;
using System.Runtime.InteropServices;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// Matrix products on row-major matrices stored in spans, computed by OpenBLAS. Nothing is allocated per call;
/// every argument is checked (dimensions, strides, span lengths, overlapping output) before OpenBLAS is called.
/// </summary>
/// <remarks>
/// Row-major layout: element (i, j) of a matrix with row stride <c>ld</c> is at <c>i * ld + j</c>; a contiguous
/// matrix has <c>ld</c> equal to its number of columns. The first call loads OpenBLAS and throws
/// <see cref="OpenBlasNotFoundException"/> when it is missing.
/// </remarks>
public static unsafe class Blas
{
    /// <summary>
    /// The number of threads OpenBLAS uses for each call (<c>openblas_set_num_threads</c>); process-wide.
    /// OpenBLAS starts with one per core, or <c>OPENBLAS_NUM_THREADS</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public static int ThreadCount
    {
        get
        {
            OpenBlasLoader.EnsureLoaded();
            return OpenBlas.GetNumThreads();
        }
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "OpenBLAS needs at least one thread.");
            }

            OpenBlasLoader.EnsureLoaded();
            OpenBlas.SetNumThreads(value);
        }
    }

    /// <summary>
    /// What runs the kernels: OpenBLAS's build configuration and the CPU kernel it chose, e.g.
    /// <c>OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 (core: Haswell)</c>.
    /// </summary>
    public static string Description
    {
        get
        {
            OpenBlasLoader.EnsureLoaded();
            string config = Marshal.PtrToStringUTF8((nint)OpenBlas.GetConfig()) ?? "OpenBLAS";
            string core = Marshal.PtrToStringUTF8((nint)OpenBlas.GetCoreName()) ?? "unknown";
            return $"{config} (core: {core})";
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

        OpenBlasLoader.EnsureLoaded();
        fixed (float* pa = a, pb = b, pc = c)
        {
            OpenBlas.Sgemm(OpenBlas.RowMajor, Op(transA), Op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
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

        OpenBlasLoader.EnsureLoaded();
        fixed (double* pa = a, pb = b, pc = c)
        {
            OpenBlas.Dgemm(OpenBlas.RowMajor, Op(transA), Op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
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

        OpenBlasLoader.EnsureLoaded();
        fixed (float* pa = a, pc = c)
        {
            OpenBlas.Ssyrk(OpenBlas.RowMajor, OpenBlas.Upper, Op(trans), n, k, alpha, pa, StoredColumns(trans, n, k), beta, pc, n);
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

        OpenBlasLoader.EnsureLoaded();
        fixed (double* pa = a, pc = c)
        {
            OpenBlas.Dsyrk(OpenBlas.RowMajor, OpenBlas.Upper, Op(trans), n, k, alpha, pa, StoredColumns(trans, n, k), beta, pc, n);
        }

        MirrorUpperToLower(c, n);
    }

    private static int Op(Transpose trans) => trans switch
    {
        Transpose.None => OpenBlas.NoTrans,
        Transpose.Transposed => OpenBlas.Trans,
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
