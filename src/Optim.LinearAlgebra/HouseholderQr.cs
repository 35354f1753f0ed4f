using System;
using System.Numerics;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// The Q factor of the reduced QR decomposition A = Q·R of an m × n row-major matrix (LAPACK's Householder
/// <c>?geqrf</c> then <c>?orgqr</c>, as <c>torch.linalg.qr(A).Q</c>): Q is m × min(m, n) with orthonormal columns
/// and R (not returned) is upper triangular, with LAPACK's sign convention. Its workspace (a column-major copy,
/// the reflector scales and LAPACK's work array) is allocated once, here; a call allocates nothing. An instance is
/// not thread-safe.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed unsafe class HouseholderQr<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _columnMajor;
    private readonly T[] _tau;
    private readonly T[] _work;

    /// <summary>Prepares the workspace for <paramref name="rows"/> × <paramref name="cols"/> matrices.</summary>
    /// <exception cref="OpenBlasNotFoundException">OpenBLAS, the default provider, is not installed.</exception>
    /// <exception cref="ReferenceBlasNotFoundException">The reference provider was chosen and is not installed.</exception>
    public HouseholderQr(int rows, int cols)
    {
        if (rows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "The matrix must have at least one row.");
        }

        if (cols < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cols), cols, "The matrix must have at least one column.");
        }

        _ = Precision<T>.Prefix;
        BlasLoader.EnsureLoaded();
        Rows = rows;
        Cols = cols;
        _columnMajor = new T[checked(rows * cols)];
        _tau = new T[QColumns];

        T factorSize = default, generateSize = default;
        Check("geqrf", Geqrf(null, null, &factorSize, -1));
        Check("orgqr", Orgqr(null, null, &generateSize, -1));
        _work = new T[Math.Max(1, int.CreateChecked(T.Ceiling(T.Max(factorSize, generateSize))))];
    }

    /// <summary>Rows m of A and Q.</summary>
    public int Rows { get; }

    /// <summary>Columns n of A.</summary>
    public int Cols { get; }

    /// <summary>Columns of Q: min(m, n).</summary>
    public int QColumns => Math.Min(Rows, Cols);

    /// <summary>Computes Q (m × min(m, n), row-major) of <paramref name="a"/> (m × n, row-major).</summary>
    /// <param name="a">The matrix; not modified. May overlap <paramref name="q"/> (it is copied first).</param>
    /// <param name="q">Q, written.</param>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public void ComputeQ(ReadOnlySpan<T> a, Span<T> q)
    {
        MatrixChecks.Exact(a.Length, Rows, Cols, nameof(a));
        MatrixChecks.Exact(q.Length, Rows, QColumns, nameof(q));

        // LAPACK is column-major: work on a column-major copy, as torch.linalg.qr does on a row-major tensor.
        int m = Rows, n = Cols;
        Span<T> columnMajor = _columnMajor;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<T> row = a.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                columnMajor[j * m + i] = row[j];
            }
        }

        fixed (T* pa = _columnMajor, ptau = _tau, pwork = _work)
        {
            Check("geqrf", Geqrf(pa, ptau, pwork, _work.Length));
            Check("orgqr", Orgqr(pa, ptau, pwork, _work.Length));
        }

        int k = QColumns;
        for (int i = 0; i < m; i++)
        {
            Span<T> row = q.Slice(i * k, k);
            for (int j = 0; j < k; j++)
            {
                row[j] = columnMajor[j * m + i];
            }
        }
    }

    private int Geqrf(T* a, T* tau, T* work, int lwork)
    {
        int m = Rows, n = Cols, lda = Rows, info = 0;
        if (typeof(T) == typeof(float))
        {
            Lapack.Sgeqrf(&m, &n, (float*)a, &lda, (float*)tau, (float*)work, &lwork, &info);
        }
        else
        {
            Lapack.Dgeqrf(&m, &n, (double*)a, &lda, (double*)tau, (double*)work, &lwork, &info);
        }

        return info;
    }

    private int Orgqr(T* a, T* tau, T* work, int lwork)
    {
        int m = Rows, n = QColumns, k = QColumns, lda = Rows, info = 0;
        if (typeof(T) == typeof(float))
        {
            Lapack.Sorgqr(&m, &n, &k, (float*)a, &lda, (float*)tau, (float*)work, &lwork, &info);
        }
        else
        {
            Lapack.Dorgqr(&m, &n, &k, (double*)a, &lda, (double*)tau, (double*)work, &lwork, &info);
        }

        return info;
    }

    private static void Check(string routine, int info)
    {
        if (info != 0)
        {
            throw new LapackException(Precision<T>.Prefix + routine, info, "an argument was illegal.");
        }
    }
}
