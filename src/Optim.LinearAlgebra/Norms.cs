using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra;

/// <summary>Norms of matrices stored in spans (any layout: the Frobenius norm does not depend on it).</summary>
public static class Norms
{
    /// <summary>‖A‖_F = √(Σ aᵢ²), accumulated in double and rounded to float once.</summary>
    /// <remarks>Double accumulation makes the result the correctly rounded norm for any realistic length,
    /// independent of the vector width, and no float32 value can overflow it.</remarks>
    public static float FrobeniusNorm(ReadOnlySpan<float> a) => (float)Math.Sqrt(SumOfSquares(a));

    /// <summary>‖A‖_F = √(Σ aᵢ²) in double; rescaled when the plain sum of squares would overflow or underflow.</summary>
    public static double FrobeniusNorm(ReadOnlySpan<double> a)
    {
        double sum = SumOfSquares(a);
        if (double.IsFinite(sum) && sum > 1e-280)
        {
            return Math.Sqrt(sum);
        }

        // Squares overflowed (|a| > 1e154), underflowed (|a| < 1e-154), or a NaN/∞ is present: divide by the
        // largest magnitude first, as LAPACK's dnrm2 does in spirit.
        double scale = 0;
        foreach (double value in a)
        {
            if (double.IsNaN(value))
            {
                return double.NaN;
            }

            scale = Math.Max(scale, Math.Abs(value));
        }

        if (scale == 0 || double.IsInfinity(scale))
        {
            return scale;
        }

        double scaled = 0;
        foreach (double value in a)
        {
            double r = value / scale;
            scaled += r * r;
        }

        return scale * Math.Sqrt(scaled);
    }

    internal static double SumOfSquares(ReadOnlySpan<float> a)
    {
        var sum = Vector<double>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(a);
            foreach (Vector<float> v in vectors)
            {
                Vector.Widen(v, out Vector<double> low, out Vector<double> high);
                sum += low * low + high * high;
            }

            i = vectors.Length * Vector<float>.Count;
        }

        double total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += (double)a[i] * a[i];
        }

        return total;
    }

    internal static double SumOfSquares(ReadOnlySpan<double> a)
    {
        var sum = Vector<double>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<double>> vectors = MemoryMarshal.Cast<double, Vector<double>>(a);
            foreach (Vector<double> v in vectors)
            {
                sum += v * v;
            }

            i = vectors.Length * Vector<double>.Count;
        }

        double total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * a[i];
        }

        return total;
    }
}
