using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchOptim;

/// <summary>
/// Per-element functions that the generated kernels call where .NET has no single instruction with the DSL's
/// semantics. Each vector form computes, lane by lane, exactly what its scalar form computes, so the vector body
/// and the scalar tail of a kernel round alike.
/// </summary>
public static class ElementMath
{
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

    /// <summary>e raised to <paramref name="x"/>: computed in double, rounded once to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => (float)System.Math.Exp(x);

    /// <summary>Lane-wise <see cref="Exp(float)"/>.</summary>
    public static Vector<float> Exp(Vector<float> x)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Exp(x[i]);
        return new Vector<float>(lanes);
    }

    /// <summary>Natural logarithm: computed in double, rounded once to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => (float)System.Math.Log(x);

    /// <summary>Lane-wise <see cref="Log(float)"/>.</summary>
    public static Vector<float> Log(Vector<float> x)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Log(x[i]);
        return new Vector<float>(lanes);
    }

    /// <summary><paramref name="x"/> raised to <paramref name="y"/>: computed in double, rounded once to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow(float x, float y) => (float)System.Math.Pow(x, y);

    /// <summary>Lane-wise <see cref="Pow(float, float)"/>.</summary>
    public static Vector<float> Pow(Vector<float> x, Vector<float> y)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Pow(x[i], y[i]);
        return new Vector<float>(lanes);
    }
}
