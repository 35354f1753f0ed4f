using System;
using System.Numerics;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// Eigendecomposition A = V·diag(w)·Vᵀ of a symmetric n × n matrix (LAPACK's divide-and-conquer <c>?syevd</c>),
/// as <c>torch.linalg.eigh</c>: eigenvalues in ascending order, the eigenvectors as the <b>columns</b> of the
/// row-major V, and only the lower triangle of A read. Its LAPACK workspace is allocated once, here; a call
/// allocates nothing. An instance is not thread-safe.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed unsafe class SymmetricEigensolver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _work;
    private readonly int[] _iwork;

    /// <summary>Prepares the workspace for matrices of order <paramref name="n"/>.</summary>
    /// <exception cref="OpenBlasNotFoundException">OpenBLAS, the default provider, is not installed.</exception>
    /// <exception cref="ReferenceBlasNotFoundException">The reference provider was chosen and is not installed.</exception>
    public SymmetricEigensolver(int n)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The order of the matrix must be at least 1.");
        }

        _ = Precision<T>.Prefix;
        BlasLoader.EnsureLoaded();
        Order = n;

        T workSize = default;
        int iworkSize = 0;
        int info = Syevd(n, null, null, &workSize, -1, &iworkSize, -1);
        if (info != 0)
        {
            throw new LapackException(Precision<T>.Prefix + "syevd", info, "the workspace query failed.");
        }

        _work = new T[Math.Max(1, int.CreateChecked(T.Ceiling(workSize)))];
        _iwork = new int[Math.Max(1, iworkSize)];
    }

    /// <summary>The order n of the matrices this instance decomposes.</summary>
    public int Order { get; }

    /// <summary>
    /// Decomposes the symmetric matrix <paramref name="a"/> (n × n, row-major; only its lower triangle, diagonal
    /// included, is read) into <paramref name="eigenvalues"/> (ascending) and <paramref name="eigenvectors"/>
    /// (n × n row-major, eigenvector j in column j).
    /// </summary>
    /// <param name="a">The matrix; may be the same span as <paramref name="eigenvectors"/> (decomposed in place).</param>
    /// <param name="eigenvalues">n values, written.</param>
    /// <param name="eigenvectors">n × n, written.</param>
    /// <exception cref="ArgumentException">A length is wrong, an output overlaps another buffer, or the lower
    /// triangle holds a NaN or an infinity (named by its row and column).</exception>
    /// <exception cref="LapackException">The algorithm did not converge.</exception>
    public void Decompose(ReadOnlySpan<T> a, Span<T> eigenvalues, Span<T> eigenvectors)
    {
        int n = Order;
        MatrixChecks.Exact(a.Length, n, n, nameof(a));
        if (eigenvalues.Length != n)
        {
            throw new ArgumentException($"'{nameof(eigenvalues)}' has {eigenvalues.Length} elements; the matrix has order {n}.", nameof(eigenvalues));
        }

        MatrixChecks.Exact(eigenvectors.Length, n, n, nameof(eigenvectors));
        bool inPlace = a == (ReadOnlySpan<T>)eigenvectors;
        if (!inPlace)
        {
            MatrixChecks.Distinct(a, eigenvectors, nameof(a), nameof(eigenvectors));
        }

        MatrixChecks.Distinct(a, eigenvalues, nameof(a), nameof(eigenvalues));
        MatrixChecks.Distinct<T>(eigenvectors, eigenvalues, nameof(eigenvectors), nameof(eigenvalues));
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = a.Slice(i * n, i + 1);
            int bad = IndexOfNonFinite(row);
            if (bad >= 0)
            {
                throw new ArgumentException($"'{nameof(a)}' has {row[bad]} at row {i}, column {bad}: the matrix must be finite.", nameof(a));
            }
        }

        // LAPACK is column-major: A's transpose in the row-major buffer is A itself to LAPACK, whose lower triangle
        // (UPLO = 'L') is then A's. torch.linalg.eigh makes the same call on the same column-major copy, so a matrix
        // with a repeated eigenvalue gets the same basis of its eigenspace (which LAPACK's reduction, not the matrix,
        // decides).
        if (inPlace)
        {
            TransposeInPlace(eigenvectors, n);
        }
        else
        {
            Transpose(a, eigenvectors, n);
        }

        int info;
        fixed (T* pa = eigenvectors, pw = eigenvalues, pwork = _work)
        fixed (int* piwork = _iwork)
        {
            info = Syevd(n, pa, pw, pwork, _work.Length, piwork, _iwork.Length);
        }

        if (info != 0)
        {
            throw new LapackException(Precision<T>.Prefix + "syevd", info, info > 0
                ? "the eigenvalue algorithm failed to converge."
                : "an argument was illegal.");
        }

        // LAPACK wrote eigenvector j as column j of a column-major matrix, i.e. as row j of the row-major buffer.
        TransposeInPlace(eigenvectors, n);
    }

    private int Syevd(int n, T* a, T* w, T* work, int lwork, int* iwork, int liwork)
    {
        byte jobz = (byte)'V', uplo = (byte)'L';
        int lda = Math.Max(1, n), info = 0;
        if (typeof(T) == typeof(float))
        {
            Lapack.Ssyevd(&jobz, &uplo, &n, (float*)a, &lda, (float*)w, (float*)work, &lwork, iwork, &liwork, &info, 1, 1);
        }
        else
        {
            Lapack.Dsyevd(&jobz, &uplo, &n, (double*)a, &lda, (double*)w, (double*)work, &lwork, iwork, &liwork, &info, 1, 1);
        }

        return info;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<T> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Transpose(ReadOnlySpan<T> from, Span<T> to, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                to[j * n + i] = from[i * n + j];
            }
        }
    }

    private static void TransposeInPlace(Span<T> m, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                (m[i * n + j], m[j * n + i]) = (m[j * n + i], m[i * n + j]);
            }
        }
    }
}
