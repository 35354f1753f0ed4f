using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchOptim;

/// <summary>
/// The operations of the generated step loops on single elements of type <c>T</c> (float or double), each with a twin
/// in <see cref="VectorMath"/> that rounds alike, so that a loop's vector body and scalar tail read alike and compute
/// alike. Generated files import both with <c>using static</c>.
/// </summary>
public static class ElementMath
{
    /// <summary>A step-uniform double rounded to the element type, once, where it meets per-element values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Round<T>(double value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(value);

    /// <summary>The machine epsilon of <typeparamref name="T"/> (the gap between 1 and the next value), as <c>torch.finfo(dtype).eps</c>.</summary>
    public static double MachineEpsilon<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => double.CreateTruncating(T.BitIncrement(T.One) - T.One);

    /// <summary>The element at <paramref name="index"/> from <paramref name="start"/>, by reference (no bounds check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T ElementAt<T>(ref T start, nuint index) => ref Unsafe.Add(ref start, index);

    /// <summary><c>a * b + c</c> rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Fma<T>(T a, T b, T c)
        where T : IFloatingPointIeee754<T> => T.FusedMultiplyAdd(a, b, c);

    /// <summary>
    /// Linear interpolation from <paramref name="self"/> towards <paramref name="end"/> by <paramref name="weight"/>, rounded as
    /// PyTorch's CPU <c>lerp</c>: <c>Fma(weight, end - self, self)</c> when |weight| &lt; 0.5, else
    /// <c>Fma(weight - 1, end - self, end)</c>; <c>end - self</c> and <c>weight - 1</c> are rounded to float first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Lerp(float self, float end, float weight)
    {
        float difference = end - self;
        return MathF.Abs(weight) < 0.5f
            ? MathF.FusedMultiplyAdd(weight, difference, self)
            : MathF.FusedMultiplyAdd(weight - 1f, difference, end);
    }

    /// <summary>
    /// Lane-wise <see cref="Lerp(float, float, float)"/>, each lane choosing its own form by its own weight (a step-uniform
    /// weight is a broadcast, so every lane takes the same form), as ATen's vectorized <c>lerp</c> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Lerp(Vector<float> self, Vector<float> end, Vector<float> weight)
    {
        var small = Vector.LessThan(Vector.Abs(weight), new Vector<float>(0.5f));
        var difference = end - self;
        return Vector.FusedMultiplyAdd(
            Vector.ConditionalSelect(small, weight, weight - Vector<float>.One),
            difference,
            Vector.ConditionalSelect(small, self, end));
    }

    /// <summary>Square root, correctly rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt<T>(T x)
        where T : IFloatingPointIeee754<T> => T.Sqrt(x);

    /// <summary>Absolute value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs<T>(T x)
        where T : IFloatingPointIeee754<T> => T.Abs(x);

    /// <summary>The smaller value: NaN if either is NaN, and -0 below +0 (IEEE 754 minimum, as <c>torch.minimum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min<T>(T a, T b)
        where T : IFloatingPointIeee754<T> => T.Min(a, b);

    /// <summary>The larger value: NaN if either is NaN, and +0 above -0 (IEEE 754 maximum, as <c>torch.maximum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<T>(T a, T b)
        where T : IFloatingPointIeee754<T> => T.Max(a, b);

    /// <summary>-1, 0 or +1 by the sign of <paramref name="x"/>; 0 for ±0 and NaN for NaN, as <c>torch.sign</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sign<T>(T x)
        where T : IFloatingPointIeee754<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : x == T.Zero ? T.Zero : x;

    /// <summary>
    /// Linear interpolation from <paramref name="start"/> towards <paramref name="end"/> by <paramref name="weight"/>,
    /// rounded as PyTorch's CPU <c>lerp</c>: <c>Fma(weight, end - start, start)</c> when |weight| &lt; 0.5, else
    /// <c>Fma(weight - 1, end - start, end)</c> (each form exact at its own end point), with <c>end - start</c> rounded
    /// once. <c>exp_avg.lerp_(grad, 1 - beta1)</c> is <c>m = Lerp(m, g, 1 - beta1)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lerp<T>(T start, T end, T weight)
        where T : IFloatingPointIeee754<T>
    {
        T difference = end - start;
        return T.Abs(weight) < T.CreateTruncating(0.5)
            ? T.FusedMultiplyAdd(weight, difference, start)
            : T.FusedMultiplyAdd(weight - T.One, difference, end);
    }

    /// <summary>
    /// <c>1 / x</c>, correctly rounded: how the loops write a step-uniform number divided by an element (PyTorch's
    /// <c>reciprocal(x) * scalar</c>). A call, not an infix division, so no operator beside it can regroup it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Reciprocal<T>(T x)
        where T : IFloatingPointIeee754<T> => T.One / x;

    /// <summary>e raised to <paramref name="x"/>: computed in double, rounded once to the element type.</summary>
    public static T Exp<T>(T x)
        where T : IFloatingPointIeee754<T> => T.CreateTruncating(Math.Exp(double.CreateTruncating(x)));

    /// <summary>Natural logarithm: computed in double, rounded once to the element type.</summary>
    public static T Log<T>(T x)
        where T : IFloatingPointIeee754<T> => T.CreateTruncating(Math.Log(double.CreateTruncating(x)));

    /// <summary>Cosine of <paramref name="x"/> radians: computed in double, rounded once to the element type.</summary>
    public static T Cos<T>(T x)
        where T : IFloatingPointIeee754<T> => T.CreateTruncating(Math.Cos(double.CreateTruncating(x)));

    /// <summary>Sine of <paramref name="x"/> radians: computed in double, rounded once to the element type.</summary>
    public static T Sin<T>(T x)
        where T : IFloatingPointIeee754<T> => T.CreateTruncating(Math.Sin(double.CreateTruncating(x)));

    /// <summary><paramref name="x"/> raised to <paramref name="y"/>: computed in double, rounded once to the element type.</summary>
    public static T Pow<T>(T x, T y)
        where T : IFloatingPointIeee754<T> => T.CreateTruncating(Math.Pow(double.CreateTruncating(x), double.CreateTruncating(y)));

    /// <summary>-1, 0 or +1 by the sign of a step-uniform <paramref name="x"/>; NaN for NaN.</summary>
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x;
}
