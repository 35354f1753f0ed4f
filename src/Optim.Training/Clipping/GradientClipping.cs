using System;
using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchOptim.Training;

/// <summary>
/// Gradient norms and clipping as PyTorch 2.14's <c>torch.nn.utils</c> computes them (<c>clip_grad_norm_</c>,
/// <c>clip_grad_value_</c>, <c>get_total_norm</c>, <c>clip_grads_with_norm_</c>, single-tensor path), over
/// float or double gradients: the same operations in the same order, so the norms and the clipped gradients are
/// PyTorch's bit for bit. Every call allocates nothing (for up to 4096 tensors; more use a pooled buffer).
/// </summary>
/// <remarks>
/// The total norm of order p is the norm of the vector of per-tensor norms, each computed in the gradients' type
/// (see <see cref="VectorNorm{T}"/>). The clip coefficient is <c>min(max_norm / (total + 1e-6), 1)</c>, computed
/// as PyTorch does it: <c>total + 1e-6</c> rounded to the element type, its reciprocal times <c>max_norm</c>, the
/// minimum with 1 keeping a NaN; every gradient is multiplied by it, even when it is 1.
/// </remarks>
public static partial class GradientClipping
{
    private const int StackNorms = 4096;

    /// <summary><c>torch.linalg.vector_norm(values, normType)</c>: the norm of order <paramref name="normType"/> of one tensor.</summary>
    /// <param name="values">The tensor's elements (any shape, flattened).</param>
    /// <param name="normType">The order: 2, 1, ∞ (<see cref="double.PositiveInfinity"/>), −∞, 0 or any other finite p.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normType"/> is NaN.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T VectorNorm<T>(ReadOnlySpan<T> values, double normType = 2.0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        VectorNorms.CheckElementType<T>();
        CheckNormType(normType);
        return VectorNorms.Norm(values, normType);
    }

    /// <summary>
    /// <c>get_total_norm(tensors, normType)</c>: the norm of the per-tensor norms, as if all the tensors were one
    /// vector (up to rounding). 0 when there are no tensors.
    /// </summary>
    /// <exception cref="NonFiniteNormException"><paramref name="errorIfNonfinite"/> is set and the total is NaN or ±∞.</exception>
    public static T TotalNorm<T>(ReadOnlySpan<Memory<T>> tensors, double normType = 2.0, bool errorIfNonfinite = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        VectorNorms.CheckElementType<T>();
        CheckNormType(normType);
        if (tensors.IsEmpty) return T.Zero;

        T[]? rented = null;
        Span<T> norms = tensors.Length <= StackNorms
            ? stackalloc T[StackNorms].Slice(0, tensors.Length)
            : (rented = ArrayPool<T>.Shared.Rent(tensors.Length)).AsSpan(0, tensors.Length);
        try
        {
            for (int i = 0; i < tensors.Length; i++) norms[i] = VectorNorms.Norm((ReadOnlySpan<T>)tensors[i].Span, normType);
            T total = VectorNorms.Norm((ReadOnlySpan<T>)norms, normType);
            if (errorIfNonfinite && !T.IsFinite(total)) throw new NonFiniteNormException(normType, double.CreateTruncating(total));
            return total;
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// <c>clip_grad_norm_(tensors, maxNorm, normType)</c>: scales every gradient in place so that their total norm
    /// is at most <paramref name="maxNorm"/>, and returns the total norm before clipping.
    /// </summary>
    /// <param name="gradients">The gradients, scaled in place.</param>
    /// <param name="maxNorm">The largest total norm allowed (≥ 0; ∞ never clips).</param>
    /// <param name="normType">The order of the norm (2 by default; 1, ∞ and any other p as <see cref="VectorNorm{T}"/>).</param>
    /// <param name="errorIfNonfinite">Throw instead of clipping when the total norm is NaN or ±∞ (then nothing is changed).</param>
    /// <exception cref="NonFiniteNormException">The total norm is not finite and <paramref name="errorIfNonfinite"/> is set; no gradient was changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN, or <paramref name="normType"/> is NaN.</exception>
    public static T ClipGradNorm<T>(ReadOnlySpan<Memory<T>> gradients, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckMaxNorm(maxNorm);
        T total = TotalNorm(gradients, normType, errorIfNonfinite);
        Scale(gradients, ClipCoefficient(maxNorm, total));
        return total;
    }

    /// <summary>
    /// <c>clip_grads_with_norm_(tensors, maxNorm, totalNorm)</c>: scales every gradient in place by
    /// <c>min(maxNorm / (totalNorm + 1e-6), 1)</c>, for a total norm computed beforehand (e.g. with
    /// <see cref="TotalNorm{T}"/> over gradients spread over several calls).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="maxNorm"/> is negative or NaN, or <paramref name="totalNorm"/> is negative (which would flip
    /// every gradient's sign; a NaN or ∞ total scales them as PyTorch does); no gradient was changed.
    /// </exception>
    public static void ClipGradsWithNorm<T>(ReadOnlySpan<Memory<T>> gradients, double maxNorm, T totalNorm)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        VectorNorms.CheckElementType<T>();
        CheckMaxNorm(maxNorm);
        CheckTotalNorm(double.CreateTruncating(totalNorm));
        if (gradients.IsEmpty) return;
        Scale(gradients, ClipCoefficient(maxNorm, totalNorm));
    }

    /// <summary>
    /// The coefficient <see cref="ClipGradNorm{T}"/> multiplies the gradients by: <c>min(maxNorm / (totalNorm + 1e-6), 1)</c>
    /// with PyTorch's roundings (NaN when the total is NaN, 0 when it is ∞).
    /// </summary>
    public static T ClipCoefficient<T>(double maxNorm, T totalNorm)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        VectorNorms.CheckElementType<T>();
        // max_norm / (total + 1e-6) is Tensor.__rtruediv__: the reciprocal, then times max_norm; each Python
        // number is rounded to the tensor's type first.
        T reciprocal = T.One / (totalNorm + T.CreateTruncating(1e-6));
        T coefficient = reciprocal * T.CreateTruncating(maxNorm);
        return T.IsNaN(coefficient) ? coefficient : T.Min(coefficient, T.One);
    }

    /// <summary>
    /// <c>clip_grad_value_(tensors, clipValue)</c>: clamps every gradient element to
    /// [<c>-clipValue</c>, <c>clipValue</c>] in place (±∞ become ±clipValue, NaN stays NaN).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative or NaN.</exception>
    public static void ClipGradValue<T>(ReadOnlySpan<Memory<T>> gradients, double clipValue)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        VectorNorms.CheckElementType<T>();
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "The clip value must be at least 0.");
        T max = T.CreateTruncating(clipValue);
        T min = T.CreateTruncating(-clipValue);
        var maxVector = Vector256.Create(max);
        var minVector = Vector256.Create(min);
        foreach (var gradient in gradients)
        {
            var span = gradient.Span;
            int lanes = Vector256<T>.Count;
            int body = span.Length - span.Length % lanes;
            ref T start = ref MemoryMarshal.GetReference(span);
            for (int i = 0; i < body; i += lanes)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                // ATen's clamp: min(max(x, low), high), a NaN passing through both.
                v = Vector256.ConditionalSelect(Vector256.LessThan(v, minVector), minVector, v);
                v = Vector256.ConditionalSelect(Vector256.LessThan(maxVector, v), maxVector, v);
                v.StoreUnsafe(ref start, (nuint)i);
            }
            for (int i = body; i < span.Length; i++)
            {
                T value = span[i] < min ? min : span[i];
                span[i] = max < value ? max : value;
            }
        }
    }

    private static void Scale<T>(ReadOnlySpan<Memory<T>> gradients, T coefficient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var factor = Vector256.Create(coefficient);
        foreach (var gradient in gradients)
        {
            var span = gradient.Span;
            int lanes = Vector256<T>.Count;
            int body = span.Length - span.Length % lanes;
            ref T start = ref MemoryMarshal.GetReference(span);
            for (int i = 0; i < body; i += lanes)
                (Vector256.LoadUnsafe(ref start, (nuint)i) * factor).StoreUnsafe(ref start, (nuint)i);
            for (int i = body; i < span.Length; i++) span[i] *= coefficient;
        }
    }

    private static void CheckNormType(double normType)
    {
        if (double.IsNaN(normType)) throw new ArgumentOutOfRangeException(nameof(normType), normType, "The norm type must be a number (2, 1, ∞, ...), not NaN.");
    }

    /// <summary>
    /// A norm computed beforehand: NaN and ∞ keep PyTorch's meaning (NaN gradients, zero gradients), a negative one
    /// can only be a mistake, and its negative coefficient would reverse every gradient.
    /// </summary>
    private static void CheckTotalNorm(double totalNorm)
    {
        if (totalNorm < 0)
            throw new ArgumentOutOfRangeException(nameof(totalNorm), totalNorm, $"A total norm cannot be negative; got {totalNorm.ToString("R", CultureInfo.InvariantCulture)}.");
    }

    private static void CheckMaxNorm(double maxNorm)
    {
        if (!(maxNorm >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"The largest norm allowed must be at least 0; got {maxNorm.ToString("R", CultureInfo.InvariantCulture)}.");
    }
}

/// <summary>
/// The total norm of the gradients is NaN or infinite, and clipping was asked to fail rather than scale by it
/// (PyTorch's <c>error_if_nonfinite=True</c>). Nothing was changed.
/// </summary>
public sealed class NonFiniteNormException : ArithmeticException
{
    /// <summary>Creates the exception for a total norm of order <paramref name="normType"/>.</summary>
    public NonFiniteNormException(double normType, double totalNorm)
        : base($"The total norm of order {PythonFloat.Repr(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    {
        NormType = normType;
        TotalNorm = totalNorm;
    }

    /// <summary>The order of the norm.</summary>
    public double NormType { get; }

    /// <summary>The total norm: NaN or ±∞.</summary>
    public double TotalNorm { get; }
}

/// <summary>Python's <c>repr</c> of a float, for messages that match PyTorch's.</summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // The shortest round-trip digits and where the decimal point goes: value = 0.DIGITS × 10^point.
        string shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int e = shortest.IndexOf('E');
        string mantissa = e >= 0 ? shortest[..e] : shortest;
        int dot = mantissa.IndexOf('.');
        string digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int point = (dot >= 0 ? dot : mantissa.Length) + (e >= 0 ? int.Parse(shortest[(e + 1)..], CultureInfo.InvariantCulture) : 0);
        int leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leadingZeros;

        string sign = value < 0 ? "-" : "";
        if (point > 16 || point < -3)
        {
            int exponent = point - 1;
            string fraction = digits.Length > 1 ? "." + digits[1..] : "";
            return $"{sign}{digits[0]}{fraction}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        if (point <= 0) return $"{sign}0.{new string('0', -point)}{digits}";
        if (point >= digits.Length) return $"{sign}{digits}{new string('0', point - digits.Length)}.0";
        return $"{sign}{digits[..point]}.{digits[point..]}";
    }
}
