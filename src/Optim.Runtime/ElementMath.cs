using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchOptim;

/// <summary>
/// The operations of the generated step loops, each in a scalar form (<c>float</c>) and a vector form
/// (<c>Vector&lt;float&gt;</c>) with identical rounding, so that a kernel's vector body and scalar tail read alike and
/// compute alike. Generated files import it with <c>using static</c>; everything is inlined.
/// </summary>
public static class ElementMath
{
    /// <summary>Whether <see cref="Vector{T}"/> operations run on vector hardware (a JIT-time constant).</summary>
    public static bool HasVectorHardware
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector.IsHardwareAccelerated;
    }

    /// <summary>How many floats a <see cref="Vector{T}"/> holds on this machine (a JIT-time constant).</summary>
    public static int Lanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector<float>.Count;
    }

    /// <summary>The element at <paramref name="index"/> from <paramref name="start"/>, by reference (no bounds check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float ElementAt(ref float start, nuint index) => ref Unsafe.Add(ref start, index);

    /// <summary>The <see cref="Vector{T}.Count"/> elements from <paramref name="index"/> (no bounds check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LoadVector(ref float start, nuint index) => Vector.LoadUnsafe(ref start, index);

    /// <summary>Stores <paramref name="value"/> at <paramref name="index"/> (no bounds check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreVector(Vector<float> value, ref float start, nuint index) => Vector.StoreUnsafe(value, ref start, index);

    /// <summary><paramref name="value"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Broadcast(float value) => new(value);

    /// <summary><c>a * b + c</c> rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>Lane-wise <see cref="Fma(float, float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Fma(Vector<float> a, Vector<float> b, Vector<float> c) => Vector.FusedMultiplyAdd(a, b, c);

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
    public static float Sqrt(float x) => MathF.Sqrt(x);

    /// <summary>Lane-wise <see cref="Sqrt(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sqrt(Vector<float> x) => Vector.SquareRoot(x);

    /// <summary>Absolute value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float x) => MathF.Abs(x);

    /// <summary>Lane-wise <see cref="Abs(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> x) => Vector.Abs(x);

    /// <summary>The smaller value: NaN if either is NaN, and -0 below +0 (IEEE 754 minimum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b) => MathF.Min(a, b);

    /// <summary>Lane-wise <see cref="Min(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.Min(a, b);

    /// <summary>The larger value: NaN if either is NaN, and +0 above -0 (IEEE 754 maximum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => MathF.Max(a, b);

    /// <summary>Lane-wise <see cref="Max(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.Max(a, b);

    /// <summary>-1, 0 or +1 by the sign of <paramref name="x"/>; 0 for ±0 (as <c>torch.sign</c>), NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float x) => x > 0f ? 1f : x < 0f ? -1f : x == 0f ? 0f : x;

    /// <summary>-1, 0 or +1 by the sign of a step-uniform <paramref name="x"/>; NaN for NaN.</summary>
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x;

    /// <summary>Lane-wise <see cref="Sign(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sign(Vector<float> x)
    {
        var positive = Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
        var negative = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
        var sign = positive - negative;
        return Vector.ConditionalSelect(Vector.Equals(x, x), sign, x);
    }

    /// <summary>Per lane, <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Select(Vector<int> mask, Vector<float> whenTrue, Vector<float> whenFalse) => Vector.ConditionalSelect(mask, whenTrue, whenFalse);

    /// <summary>A step-uniform condition as a lane mask: every lane or none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Mask(bool condition) => condition ? Vector<int>.AllBitsSet : Vector<int>.Zero;

    /// <summary>The lanes where <paramref name="a"/> &lt; <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Less(Vector<float> a, Vector<float> b) => Vector.LessThan(a, b);

    /// <summary>The lanes where <paramref name="a"/> &lt;= <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> LessOrEqual(Vector<float> a, Vector<float> b) => Vector.LessThanOrEqual(a, b);

    /// <summary>The lanes where <paramref name="a"/> &gt; <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Greater(Vector<float> a, Vector<float> b) => Vector.GreaterThan(a, b);

    /// <summary>The lanes where <paramref name="a"/> &gt;= <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> GreaterOrEqual(Vector<float> a, Vector<float> b) => Vector.GreaterThanOrEqual(a, b);

    /// <summary>The lanes where <paramref name="a"/> == <paramref name="b"/> (+0 == -0, NaN equals nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Equal(Vector<float> a, Vector<float> b) => Vector.Equals(a, b);

    /// <summary>The lanes where <paramref name="a"/> != <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> NotEqual(Vector<float> a, Vector<float> b) => ~Vector.Equals(a, b);

    /// <summary>e raised to <paramref name="x"/>: computed in double, rounded once to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => (float)Math.Exp(x);

    /// <summary>Lane-wise <see cref="Exp(float)"/>.</summary>
    public static Vector<float> Exp(Vector<float> x)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Exp(x[i]);
        return new Vector<float>(lanes);
    }

    /// <summary>Natural logarithm: computed in double, rounded once to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => (float)Math.Log(x);

    /// <summary>Lane-wise <see cref="Log(float)"/>.</summary>
    public static Vector<float> Log(Vector<float> x)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Log(x[i]);
        return new Vector<float>(lanes);
    }

    /// <summary><paramref name="x"/> raised to <paramref name="y"/>: computed in double, rounded once to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow(float x, float y) => (float)Math.Pow(x, y);

    /// <summary>Lane-wise <see cref="Pow(float, float)"/>.</summary>
    public static Vector<float> Pow(Vector<float> x, Vector<float> y)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Pow(x[i], y[i]);
        return new Vector<float>(lanes);
    }
}
