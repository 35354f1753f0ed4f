using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// What an optimizer's matrix phases keep for one parameter from step to step: its work matrices and its solvers
/// (Newton–Schulz, symmetric eigendecomposition, QR, the sort of a basis), one of each per size, each allocated the first
/// time it is asked for and reused after. The kernels the ScratchOptim generator writes for matrix updates (Muon, SOAP)
/// call it between their element loops; its methods are the DSL's matrix operations on row-major spans. Those kernels
/// also reserve, on their first step, what later steps will ask for (<see cref="Matrix"/>, the <c>Reserve</c> methods),
/// so that no step after the first allocates, even one that refreshes a basis for the first time.
/// </summary>
/// <remarks>Not thread-safe: one per parameter (the optimizers keep one in each parameter's state).</remarks>
/// <typeparam name="T">The parameter's element type: float or double.</typeparam>
public sealed class MatrixWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[]?[] _matrices = [];
    private readonly List<NewtonSchulz> _newtonSchulz = [];
    private NewtonSchulzOptions _options = NewtonSchulzOptions.Default;
    private readonly List<(SymmetricEigensolver<T> Solver, T[] Eigenvalues)> _eigensolvers = [];
    private readonly List<HouseholderQr<T>> _qrs = [];
    private readonly List<Sorting> _sortings = [];

    /// <summary>Creates an empty workspace: nothing is allocated until an operation needs it.</summary>
    public MatrixWorkspace()
    {
        _ = Precision<T>.Prefix;
    }

    /// <summary>
    /// The work matrix in <paramref name="slot"/>, of <paramref name="rows"/> × <paramref name="columns"/> elements:
    /// allocated on the first call, then the same memory on every call with the same size (its contents are what the
    /// last step left there).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative slot or dimension.</exception>
    public Span<T> Matrix(int slot, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        MatrixChecks.Dimension(rows, nameof(rows));
        MatrixChecks.Dimension(columns, nameof(columns));
        if (slot >= _matrices.Length)
        {
            Array.Resize(ref _matrices, slot + 1);
        }

        int length = checked(rows * columns);
        if (_matrices[slot] is not { } matrix || matrix.Length != length)
        {
            _matrices[slot] = matrix = new T[length];
        }

        return matrix;
    }

    /// <summary>
    /// The work matrix in <paramref name="slot"/> as the last call of <see cref="Matrix"/> left it, or an
    /// empty span when there has been none: it never allocates (a kernel's later piece finds a matrix an earlier one made).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative slot.</exception>
    public Span<T> ExistingMatrix(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        return slot < _matrices.Length ? _matrices[slot] : default;
    }

    /// <summary>C = op(A)·op(B), with op(A) m × k, op(B) k × n and C m × n, all contiguous row-major (GEMM, β = 0).</summary>
    /// <exception cref="ArgumentException">A span does not hold its matrix, or C overlaps A or B.</exception>
    public void Multiply(Transpose transposeLeft, Transpose transposeRight, int m, int n, int k,
        ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> product)
    {
        MatrixChecks.Exact(left.Length, m, k, nameof(left));
        MatrixChecks.Exact(right.Length, k, n, nameof(right));
        MatrixChecks.Exact(product.Length, m, n, nameof(product));
        if (typeof(T) == typeof(float))
        {
            Blas.Gemm(transposeLeft, transposeRight, m, n, k, 1f, Cast<float>(left), Cast<float>(right), 0f, Cast<float>(product));
        }
        else
        {
            Blas.Gemm(transposeLeft, transposeRight, m, n, k, 1.0, Cast<double>(left), Cast<double>(right), 0.0, Cast<double>(product));
        }
    }

    /// <summary>Aᵀ of A (rows × columns) into <paramref name="transposed"/> (columns × rows).</summary>
    /// <exception cref="ArgumentException">A span does not hold its matrix, or the two overlap.</exception>
    public void Transpose(ReadOnlySpan<T> a, Span<T> transposed, int rows, int columns)
    {
        MatrixChecks.Exact(a.Length, rows, columns, nameof(a));
        MatrixChecks.Exact(transposed.Length, columns, rows, nameof(transposed));
        MatrixChecks.Distinct(a, transposed, nameof(a), nameof(transposed));
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<T> row = a.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                transposed[j * rows + i] = row[j];
            }
        }
    }

    /// <summary>
    /// Newton–Schulz orthogonalization of G (<paramref name="rows"/> × <paramref name="columns"/>) into
    /// <paramref name="result"/>, as <see cref="NewtonSchulz"/> computes it, with one solver per precision kept here.
    /// </summary>
    /// <param name="g">G; may be the same span as <paramref name="result"/>.</param>
    /// <param name="result">The orthogonalized matrix.</param>
    /// <param name="rows">Rows of G.</param>
    /// <param name="columns">Columns of G.</param>
    /// <param name="steps">Iterations, 0 to 99.</param>
    /// <param name="a">Coefficient of X.</param>
    /// <param name="b">Coefficient of A = X·Xᵀ.</param>
    /// <param name="c">Coefficient of A².</param>
    /// <param name="eps">ε of the normalization.</param>
    /// <param name="normalization">How G is scaled first.</param>
    /// <param name="precision">The arithmetic of the iteration.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside what <see cref="NewtonSchulzOptions"/> accepts.</exception>
    public void Orthogonalize(ReadOnlySpan<T> g, Span<T> result, int rows, int columns, int steps, double a, double b, double c,
        double eps, NewtonSchulzNormalization normalization, NewtonSchulzPrecision precision)
    {
        MatrixChecks.Exact(g.Length, rows, columns, nameof(g));
        MatrixChecks.Exact(result.Length, rows, columns, nameof(result));
        if (rows == 0 || columns == 0)
        {
            return;
        }

        // The options are a record: rebuilt only when a setting changed, so a step allocates nothing.
        var o = _options;
        if (o.Steps != steps || o.A != a || o.B != b || o.C != c || o.Eps != eps || o.Normalization != normalization)
        {
            _options = new NewtonSchulzOptions { Steps = steps, A = a, B = b, C = c, Eps = eps, Normalization = normalization };
        }

        var solver = NewtonSchulzFor(rows, columns, precision);

        if (typeof(T) == typeof(float))
        {
            solver.Orthogonalize(Cast<float>(g), Cast<float>(result), _options);
        }
        else
        {
            solver.Orthogonalize(Cast<double>(g), Cast<double>(result), _options);
        }
    }

    /// <summary>
    /// The eigenvectors of the symmetric n × n matrix <paramref name="symmetric"/> (its lower triangle is read), as the
    /// columns of <paramref name="vectors"/>, ordered by eigenvalue from the largest down: <c>torch.linalg.eigh</c>'s
    /// vectors with their order flipped (<c>torch.flip(Q, [1])</c>), the order a preconditioner's basis is kept in.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not hold its matrix, or the matrix is not finite.</exception>
    /// <exception cref="LapackException">The eigenvalue algorithm did not converge.</exception>
    public void Eigenvectors(ReadOnlySpan<T> symmetric, Span<T> vectors, int n)
    {
        MatrixChecks.Exact(symmetric.Length, n, n, nameof(symmetric));
        MatrixChecks.Exact(vectors.Length, n, n, nameof(vectors));
        if (n == 0)
        {
            return;
        }

        var (solver, eigenvalues) = EigensolverFor(n);
        solver.Decompose(symmetric, eigenvalues, vectors);
        for (int i = 0; i < n; i++)
        {
            vectors.Slice(i * n, n).Reverse();
        }
    }

    /// <summary>
    /// Q of the reduced QR decomposition of A (<paramref name="rows"/> × <paramref name="columns"/>, rows ≥ columns),
    /// as <c>torch.linalg.qr(A).Q</c>: <paramref name="q"/> is rows × columns with orthonormal columns.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not hold its matrix, or A is wide (Q would have fewer columns).</exception>
    public void QrBasis(ReadOnlySpan<T> a, Span<T> q, int rows, int columns)
    {
        if (rows < columns)
        {
            throw new ArgumentException($"A is {rows}×{columns}; the QR basis needs at least as many rows as columns.", nameof(a));
        }

        MatrixChecks.Exact(a.Length, rows, columns, nameof(a));
        MatrixChecks.Exact(q.Length, rows, columns, nameof(q));
        if (columns == 0)
        {
            return;
        }

        QrFor(rows, columns).ComputeQ(a, q);
    }

    /// <summary>
    /// The n × n permutation matrix P that orders the columns of <paramref name="basis"/> by their estimated eigenvalues
    /// of <paramref name="symmetric"/>, the diagonal of basisᵀ·symmetric·basis, from the largest down: basis·P is the
    /// sorted basis, and Pᵀ·X·P reorders a matrix X expressed in it the same way (SOAP's <c>argsort(est_eig,
    /// descending=True)</c> before each QR power iteration). Equal estimates keep their order.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not hold its matrix.</exception>
    public void EigenvalueOrder(ReadOnlySpan<T> symmetric, ReadOnlySpan<T> basis, Span<T> permutation, int n)
    {
        MatrixChecks.Exact(symmetric.Length, n, n, nameof(symmetric));
        MatrixChecks.Exact(basis.Length, n, n, nameof(basis));
        MatrixChecks.Exact(permutation.Length, n, n, nameof(permutation));
        if (n == 0)
        {
            return;
        }

        // basisᵀ·symmetric·basis as SOAP computes it (two products), of which only the diagonal is kept.
        var sorting = SortingFor(n);
        Multiply(LinearAlgebra.Transpose.Transposed, LinearAlgebra.Transpose.None, n, n, n, basis, symmetric, sorting.Rotated);
        Multiply(LinearAlgebra.Transpose.None, LinearAlgebra.Transpose.None, n, n, n, sorting.Rotated, basis, sorting.Rayleigh);
        int[] order = sorting.Order;
        T[] estimates = sorting.Estimates;
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            estimates[i] = sorting.Rayleigh[i * n + i];
        }

        // Insertion sort: stable, allocation-free, and n is a preconditioner's order.
        for (int i = 1; i < n; i++)
        {
            int column = order[i];
            T value = estimates[column];
            int j = i - 1;
            while (j >= 0 && Before(value, estimates[order[j]]))
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = column;
        }

        permutation.Clear();
        for (int j = 0; j < n; j++)
        {
            permutation[order[j] * n + j] = T.One;
        }
    }

    /// <summary>Makes now the Newton–Schulz solver <see cref="Orthogonalize"/> will use for this size and precision.</summary>
    public void ReserveOrthogonalize(int rows, int columns, NewtonSchulzPrecision precision)
    {
        if (rows > 0 && columns > 0)
        {
            _ = NewtonSchulzFor(rows, columns, precision);
        }
    }

    /// <summary>Makes now the eigensolver <see cref="Eigenvectors"/> will use for matrices of order <paramref name="n"/>.</summary>
    public void ReserveEigenvectors(int n)
    {
        if (n > 0)
        {
            _ = EigensolverFor(n);
        }
    }

    /// <summary>Makes now the QR solver <see cref="QrBasis"/> will use for this size.</summary>
    public void ReserveQrBasis(int rows, int columns)
    {
        if (columns > 0 && rows >= columns)
        {
            _ = QrFor(rows, columns);
        }
    }

    /// <summary>Makes now the buffers <see cref="EigenvalueOrder"/> will use for matrices of order <paramref name="n"/>.</summary>
    public void ReserveEigenvalueOrder(int n)
    {
        if (n > 0)
        {
            _ = SortingFor(n);
        }
    }

    private NewtonSchulz NewtonSchulzFor(int rows, int columns, NewtonSchulzPrecision precision)
    {
        foreach (var solver in _newtonSchulz)
        {
            if (solver.Rows == rows && solver.Cols == columns && solver.Precision == precision)
            {
                return solver;
            }
        }

        var made = new NewtonSchulz(rows, columns, precision);
        _newtonSchulz.Add(made);
        return made;
    }

    private (SymmetricEigensolver<T> Solver, T[] Eigenvalues) EigensolverFor(int n)
    {
        foreach (var entry in _eigensolvers)
        {
            if (entry.Solver.Order == n)
            {
                return entry;
            }
        }

        var made = (new SymmetricEigensolver<T>(n), new T[n]);
        _eigensolvers.Add(made);
        return made;
    }

    private HouseholderQr<T> QrFor(int rows, int columns)
    {
        foreach (var qr in _qrs)
        {
            if (qr.Rows == rows && qr.Cols == columns)
            {
                return qr;
            }
        }

        var made = new HouseholderQr<T>(rows, columns);
        _qrs.Add(made);
        return made;
    }

    private Sorting SortingFor(int n)
    {
        foreach (var sorting in _sortings)
        {
            if (sorting.Order.Length == n)
            {
                return sorting;
            }
        }

        var made = new Sorting(new int[n], new T[n], new T[n * n], new T[n * n]);
        _sortings.Add(made);
        return made;
    }

    /// <summary>What <see cref="EigenvalueOrder"/> works in for one order n.</summary>
    private sealed record Sorting(int[] Order, T[] Estimates, T[] Rotated, T[] Rayleigh);

    /// <summary>Descending, NaN last.</summary>
    private static bool Before(T value, T other) => value > other || (!T.IsNaN(value) && T.IsNaN(other));

    private static Span<TTo> Cast<TTo>(Span<T> span) where TTo : struct => MemoryMarshal.Cast<T, TTo>(span);

    private static ReadOnlySpan<TTo> Cast<TTo>(ReadOnlySpan<T> span) where TTo : struct => MemoryMarshal.Cast<T, TTo>(span);
}
