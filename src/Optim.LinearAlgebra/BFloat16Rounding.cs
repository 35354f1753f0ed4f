using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// Rounding to bfloat16 (1 sign, 8 exponent and 7 fraction bits: the upper half of a float32) with PyTorch's
/// semantics: round to nearest, ties to even (<c>c10::BFloat16</c>'s <c>round_to_nearest_even</c>), a NaN stays
/// a NaN, finite values beyond the largest bfloat16 round to ±∞. Values are kept as floats whose low 16 bits are
/// zero, so float32 arithmetic and SGEMM consume them directly (a product of two bfloat16 values is exact in float32).
/// </summary>
public static class BFloat16Rounding
{
    private const uint UpperHalf = 0xFFFF_0000u;
    private const uint QuietBit = 0x0040_0000u;

    /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even), as a float.</summary>
    public static float Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return BitConverter.UInt32BitsToSingle((bits | QuietBit) & UpperHalf);
        }

        return BitConverter.UInt32BitsToSingle((bits + 0x7FFFu + ((bits >> 16) & 1u)) & UpperHalf);
    }

    /// <summary>
    /// The bfloat16 PyTorch makes of a double: rounded to float first, then to bfloat16, as <c>c10::BFloat16</c> is
    /// built from a float (two roundings; they can differ from one direct rounding on rare ties).
    /// </summary>
    public static float Round(double value) => Round((float)value);

    /// <summary>Rounds every element of <paramref name="values"/> to bfloat16 in place.</summary>
    public static void RoundInPlace(Span<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var one = Vector<uint>.One;
            var bias = new Vector<uint>(0x7FFFu);
            var upperHalf = new Vector<uint>(UpperHalf);
            var quiet = new Vector<uint>(QuietBit);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                Vector<uint> bits = Vector.AsVectorUInt32(x);
                Vector<uint> rounded = (bits + bias + ((bits >> 16) & one)) & upperHalf;
                Vector<uint> nan = (bits | quiet) & upperHalf;
                vectors[v] = Vector.AsVectorSingle(Vector.ConditionalSelect(Vector.AsVectorUInt32(Vector.Equals(x, x)), rounded, nan));
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            values[i] = Round(values[i]);
        }
    }

    /// <summary>Whether <paramref name="value"/> is exactly a bfloat16 (its low 16 bits are zero).</summary>
    public static bool IsBFloat16(float value) => (BitConverter.SingleToUInt32Bits(value) & 0xFFFFu) == 0;
}
