using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchOptim.Training;

/// <summary>
/// <c>torch.linalg.vector_norm(x, p)</c> of one tensor, computed as ATen's CPU kernels compute it (PyTorch 2.14,
/// the AVX2 kernels of Debian's build, the reference of the project's goldens), so the result is the same bits:
/// <list type="bullet">
/// <item>p = 2: eight float (four double) running sums of <c>x*x</c> (a multiply then an add, not fused) over
/// the whole vectors, the lanes added left to right, then the tail: for float the first four tail elements
/// added one by one without fusing (the compiler's 4-wide epilogue), every other tail element with a fused
/// multiply-add; the square root last.</item>
/// <item>p = 1, p = 0 and any other finite p: a left-to-right sum of <c>|x|</c>, <c>x ≠ 0</c> or
/// <c>pow(|x|, p)</c> in the element type (<c>pow</c> of the C library, as ATen's <c>std::pow</c>), then
/// <c>pow(sum, 1/p)</c> with <c>1/p</c> rounded to the element type.</item>
/// <item>p = ±∞: the largest (smallest) <c>|x|</c>; NaN if any element is NaN.</item>
/// <item>One element: <c>|x|</c> (ATen returns the absolute value when nothing is reduced); no element: 0
/// (∞ for a negative p).</item>
/// </list>
/// Every call allocates nothing.
/// </summary>
internal static class VectorNorms
{
    public static T Norm<T>(ReadOnlySpan<T> x, double p)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (x.Length == 0) return p < 0 ? T.PositiveInfinity : T.Zero;
        if (x.Length == 1) return p == 0 ? (x[0] != T.Zero ? T.One : T.Zero) : T.Abs(x[0]);
        if (p == 2) return TwoNorm(x);
        if (p == 1) return OneNorm(x);
        if (double.IsPositiveInfinity(p)) return MaxAbs(x);
        if (double.IsNegativeInfinity(p)) return MinAbs(x);
        if (p == 0) return CountNonZero(x);
        return PNorm(x, T.CreateChecked(p));
    }

    private static T TwoNorm<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        int body = x.Length - x.Length % lanes;
        ref T start = ref MemoryMarshal.GetReference(x);
        var sums = Vector256<T>.Zero;
        for (int i = 0; i < body; i += lanes)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            sums += v * v;
        }
        T sum = sums.GetElement(0);
        for (int j = 1; j < lanes; j++) sum += sums.GetElement(j);

        int k = body;
        if (typeof(T) == typeof(float) && x.Length - k >= 4)
        {
            for (int end = k + 4; k < end; k++) sum += x[k] * x[k];
        }
        for (; k < x.Length; k++) sum = T.FusedMultiplyAdd(x[k], x[k], sum);
        return T.Sqrt(sum);
    }

    private static T OneNorm<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach (T value in x) sum += T.Abs(value);
        return sum;
    }

    private static T MaxAbs<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The maximum is exact, so any order gives ATen's value; only a NaN must win, as max_propagate_nan.
        int lanes = Vector256<T>.Count;
        int body = x.Length - x.Length % lanes;
        ref T start = ref MemoryMarshal.GetReference(x);
        var max = Vector256<T>.Zero;
        var nan = Vector256<T>.Zero;
        for (int i = 0; i < body; i += lanes)
        {
            var v = Vector256.Abs(Vector256.LoadUnsafe(ref start, (nuint)i));
            nan |= ~Vector256.Equals(v, v);
            max = Vector256.ConditionalSelect(Vector256.GreaterThan(v, max), v, max);
        }
        if (nan != Vector256<T>.Zero) return T.NaN;
        T result = T.Zero;
        for (int j = 0; j < lanes; j++) result = T.Max(result, max.GetElement(j));
        for (int k = body; k < x.Length; k++)
        {
            T value = T.Abs(x[k]);
            if (T.IsNaN(value)) return value;
            if (value > result) result = value;
        }
        return result;
    }

    private static T MinAbs<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T result = T.PositiveInfinity;
        foreach (T element in x)
        {
            T value = T.Abs(element);
            if (T.IsNaN(value)) return value;
            if (value < result) result = value;
        }
        return result;
    }

    private static T CountNonZero<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T count = T.Zero;
        foreach (T value in x) count += value == T.Zero ? T.Zero : T.One;
        return count;
    }

    private static T PNorm<T>(ReadOnlySpan<T> x, T p)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach (T value in x) sum += T.Pow(T.Abs(value), p);
        return T.Pow(sum, T.One / p);
    }

    /// <summary>Whether <typeparamref name="T"/> is one of the element types the norms are defined for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckElementType<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Gradient norms and clipping are defined for float and double tensors, not {typeof(T).Name}.");
    }
}
