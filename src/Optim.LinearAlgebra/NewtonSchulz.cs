using System;
using System.Numerics;
using System.Runtime.InteropServices;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// Muon's Newton–Schulz orthogonalization (<c>zeropower_via_newtonschulz5</c>) of an m × n row-major matrix G, as
/// <c>torch.optim.Muon</c> computes it:
/// <code>
/// X ← G / max(‖G‖_F, ε)                       (transposed first when m &gt; n, so that X·Xᵀ is the smaller Gram matrix)
/// repeat steps times:  A ← X·Xᵀ;  B ← b·A + c·A·A;  X ← a·X + B·X
/// </code>
/// The result approximates U·S'·Vᵀ with S' ≈ 1 (G = U·S·Vᵀ). The three products run on the chosen <see cref="BlasProvider"/> (SYRK for X·Xᵀ,
/// GEMM with β for the two <c>addmm</c>s), in the chosen <see cref="NewtonSchulzPrecision"/>. The workspace (four
/// matrices) is allocated once, here; a call allocates nothing. An instance is not thread-safe.
/// </summary>
public sealed class NewtonSchulz
{
    private readonly Engine<double>? _float64;
    private readonly Engine<float>? _float32;

    /// <summary>Prepares the workspace for <paramref name="rows"/> × <paramref name="cols"/> matrices.</summary>
    /// <exception cref="OpenBlasNotFoundException">OpenBLAS, the default provider, is not installed.</exception>
    /// <exception cref="ReferenceBlasNotFoundException">The reference provider was chosen and is not installed.</exception>
    public NewtonSchulz(int rows, int cols, NewtonSchulzPrecision precision)
    {
        if (rows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "The matrix must have at least one row.");
        }

        if (cols < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cols), cols, "The matrix must have at least one column.");
        }

        Rows = rows;
        Cols = cols;
        Precision = precision;
        switch (precision)
        {
            case NewtonSchulzPrecision.Float64:
                _float64 = new Engine<double>(rows, cols, roundToBFloat16: false);
                break;
            case NewtonSchulzPrecision.Float32:
            case NewtonSchulzPrecision.BFloat16:
                _float32 = new Engine<float>(rows, cols, roundToBFloat16: precision == NewtonSchulzPrecision.BFloat16);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(precision), precision, "Not a NewtonSchulzPrecision value.");
        }

        BlasLoader.EnsureLoaded(); // a missing library is reported here, not at the first step
    }

    /// <summary>Rows m of G.</summary>
    public int Rows { get; }

    /// <summary>Columns n of G.</summary>
    public int Cols { get; }

    /// <summary>The arithmetic of the iteration.</summary>
    public NewtonSchulzPrecision Precision { get; }

    /// <summary>
    /// Floating-point operations of one call counted as three full matrix products per step, as torch runs them:
    /// 2·s²·l (X·Xᵀ) + 2·s³ (A·A) + 2·s²·l (B·X) with s = min(m, n), l = max(m, n). SYRK does half of the first.
    /// </summary>
    public static double FlopsPerCall(int rows, int cols, int steps)
    {
        double s = Math.Min(rows, cols), l = Math.Max(rows, cols);
        return steps * (4 * s * s * l + 2 * s * s * s);
    }

    /// <summary>Orthogonalizes <paramref name="g"/> (m × n, row-major) into <paramref name="result"/> (m × n).</summary>
    /// <param name="g">G; read once, so it may be the same span as <paramref name="result"/>.</param>
    /// <param name="result">The orthogonalized matrix: exact bfloat16 values in <see cref="NewtonSchulzPrecision.BFloat16"/>,
    /// rounded to float from float64 in <see cref="NewtonSchulzPrecision.Float64"/>.</param>
    /// <param name="options">Steps, coefficients, ε; <see cref="NewtonSchulzOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A span does not hold m × n elements.</exception>
    public void Orthogonalize(ReadOnlySpan<float> g, Span<float> result, NewtonSchulzOptions? options = null)
    {
        MatrixChecks.Exact(g.Length, Rows, Cols, nameof(g));
        MatrixChecks.Exact(result.Length, Rows, Cols, nameof(result));
        options ??= NewtonSchulzOptions.Default;
        if (_float64 is not null)
        {
            Convert(g, _float64.X);
            _float64.Run(options);
            Convert(_float64.X, result);
        }
        else
        {
            g.CopyTo(_float32!.X);
            _float32.Run(options);
            _float32.X.CopyTo(result);
        }
    }

    /// <inheritdoc cref="Orthogonalize(ReadOnlySpan{float}, Span{float}, NewtonSchulzOptions?)"/>
    public void Orthogonalize(ReadOnlySpan<double> g, Span<double> result, NewtonSchulzOptions? options = null)
    {
        MatrixChecks.Exact(g.Length, Rows, Cols, nameof(g));
        MatrixChecks.Exact(result.Length, Rows, Cols, nameof(result));
        options ??= NewtonSchulzOptions.Default;
        if (_float64 is not null)
        {
            g.CopyTo(_float64.X);
            _float64.Run(options);
            _float64.X.CopyTo(result);
        }
        else
        {
            // float32 or bfloat16: torch rounds a double to float first, then (for bfloat16) to bfloat16.
            Convert(g, _float32!.X);
            _float32.Run(options);
            Convert(_float32.X, result);
        }
    }

    private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> from, Span<TTo> to)
        where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < from.Length; i++)
        {
            to[i] = TTo.CreateTruncating(from[i]);
        }
    }

    /// <summary>The iteration in one element type, with the optional bfloat16 rounding after each operation.</summary>
    private sealed class Engine<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly int _small;
        private readonly int _large;
        private readonly bool _tall;
        private readonly bool _bf16;
        private T[] _x;
        private T[] _next;
        private readonly T[] _gram;
        private readonly T[] _update;

        public Engine(int rows, int cols, bool roundToBFloat16)
        {
            _tall = rows > cols;
            _small = Math.Min(rows, cols);
            _large = Math.Max(rows, cols);
            _bf16 = roundToBFloat16;
            _x = new T[checked(rows * cols)];
            _next = new T[_x.Length];
            _gram = new T[checked(_small * _small)];
            _update = new T[_gram.Length];
        }

        /// <summary>The iterate, in G's layout (m × n) throughout.</summary>
        public Span<T> X => _x;

        public void Run(NewtonSchulzOptions options)
        {
            // Input in the working precision.
            RoundIfBFloat16(_x);
            Normalize(options);

            // X is kept in G's layout. Wide (m ≤ n): X is the s × l iterate itself. Tall: the iterate is Xᵀ, so
            // A = XᵀX and B·Xᵀ is stored transposed as X·Bᵀ, the same products as torch's on its transposed view.
            T a = T.CreateTruncating(options.A), b = T.CreateTruncating(options.B), c = T.CreateTruncating(options.C);
            Transpose gramSide = _tall ? Transpose.Transposed : Transpose.None;
            for (int step = 0; step < options.Steps; step++)
            {
                // A = X·Xᵀ
                Gram(gramSide, _small, _large, T.One, _x, T.Zero, _gram);
                RoundIfBFloat16(_gram);

                // B = b·A + c·A·A  (torch.addmm(A, A, A, beta=b, alpha=c): one rounding)
                _gram.CopyTo(_update, 0);
                Gemm(Transpose.None, Transpose.None, _small, _small, _small, c, _gram, _gram, b, _update);
                RoundIfBFloat16(_update);

                // X = a·X + B·X  (torch.addmm(X, B, X, beta=a))
                _x.CopyTo(_next, 0);
                if (_tall)
                {
                    Gemm(Transpose.None, Transpose.Transposed, _large, _small, _small, T.One, _x, _update, a, _next);
                }
                else
                {
                    Gemm(Transpose.None, Transpose.None, _small, _large, _small, T.One, _update, _x, a, _next);
                }

                RoundIfBFloat16(_next);
                (_x, _next) = (_next, _x);
            }
        }

        /// <summary>X ← X / max(‖X‖, ε) or X / (‖X‖ + ε), each value in the working precision.</summary>
        private void Normalize(NewtonSchulzOptions options)
        {
            T norm = FrobeniusNorm(_x);
            norm = RoundIfBFloat16(norm);
            T eps = T.CreateTruncating(options.Eps);
            T divisor = options.Normalization == NewtonSchulzNormalization.ClampedNorm ? T.Max(norm, eps) : norm + eps;
            divisor = RoundIfBFloat16(divisor);
            Span<T> x = _x;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] /= divisor;
            }

            RoundIfBFloat16(_x);
        }

        private T RoundIfBFloat16(T value) =>
            _bf16 ? T.CreateTruncating(BFloat16Rounding.Round(float.CreateTruncating(value))) : value;

        private void RoundIfBFloat16(Span<T> values)
        {
            if (_bf16)
            {
                BFloat16Rounding.RoundInPlace(MemoryMarshal.Cast<T, float>(values));
            }
        }

        private static T FrobeniusNorm(ReadOnlySpan<T> x) => typeof(T) == typeof(float)
            ? T.CreateTruncating(Norms.FrobeniusNorm(MemoryMarshal.Cast<T, float>(x)))
            : T.CreateTruncating(Norms.FrobeniusNorm(MemoryMarshal.Cast<T, double>(x)));

        private static void Gram(Transpose trans, int n, int k, T alpha, ReadOnlySpan<T> x, T beta, Span<T> c)
        {
            if (typeof(T) == typeof(float))
            {
                Blas.Gram(trans, n, k, float.CreateTruncating(alpha), MemoryMarshal.Cast<T, float>(x),
                    float.CreateTruncating(beta), MemoryMarshal.Cast<T, float>(c));
            }
            else
            {
                Blas.Gram(trans, n, k, double.CreateTruncating(alpha), MemoryMarshal.Cast<T, double>(x),
                    double.CreateTruncating(beta), MemoryMarshal.Cast<T, double>(c));
            }
        }

        private static void Gemm(Transpose transA, Transpose transB, int m, int n, int k, T alpha,
            ReadOnlySpan<T> left, ReadOnlySpan<T> right, T beta, Span<T> c)
        {
            if (typeof(T) == typeof(float))
            {
                Blas.Gemm(transA, transB, m, n, k, float.CreateTruncating(alpha), MemoryMarshal.Cast<T, float>(left),
                    MemoryMarshal.Cast<T, float>(right), float.CreateTruncating(beta), MemoryMarshal.Cast<T, float>(c));
            }
            else
            {
                Blas.Gemm(transA, transB, m, n, k, double.CreateTruncating(alpha), MemoryMarshal.Cast<T, double>(left),
                    MemoryMarshal.Cast<T, double>(right), double.CreateTruncating(beta), MemoryMarshal.Cast<T, double>(c));
            }
        }
    }
}
