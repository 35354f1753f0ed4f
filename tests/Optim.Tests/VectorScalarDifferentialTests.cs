using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// The vector body and the scalar tail of every generated kernel round alike: a parameter of n elements (vector body
/// plus tail) ends bit-identical to n one-element parameters (tail only), for every n from 0 to three vector widths
/// plus 7, over several steps. tools/test.sh runs the suite again with DOTNET_MaxVectorTBitWidth=512,
/// DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 to cover the other widths and the no-vector path.
/// </summary>
public class VectorScalarDifferentialTests
{
    // Enough steps to reach the rectified branches of RAdam and AdaBelief (rhoT > 5 from step 6).
    private const int Steps = 8;

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Vector_body_and_scalar_tail_agree_bit_for_bit(string optimizerName, bool everythingOn)
    {
        for (int length = 0; length <= 3 * Vector<float>.Count + 7; length++)
        {
            var random = new Random(length * 7919 + optimizerName.Length);
            float[] initial = Values(random, length, scale: 1f);
            var whole = new Parameter((float[])initial.Clone(), "whole");
            var pieces = initial.Select((x, i) => new Parameter([x], $"piece{i}")).ToArray();
            var vectorized = OptimizerConfigurations.Create(optimizerName, everythingOn, [whole]);
            var scalar = OptimizerConfigurations.Create(optimizerName, everythingOn, pieces);

            for (int step = 0; step < Steps; step++)
            {
                float[] gradient = Values(random, length, scale: step % 2 == 0 ? 1f : 30f);
                whole.Grad = gradient;
                for (int i = 0; i < length; i++) pieces[i].Grad = new[] { gradient[i] };
                vectorized.Step();
                scalar.Step();
            }

            for (int i = 0; i < length; i++)
            {
                AssertSameBits(whole.Data.Span[i], pieces[i].Data.Span[0], $"{optimizerName} n={length} p[{i}]");
                foreach (var state in vectorized.Info.States)
                {
                    var buffer = vectorized.State(whole, state.Name);
                    var piece = scalar.State(pieces[i], state.Name);
                    Assert.Equal(buffer.IsEmpty, piece.IsEmpty);
                    if (!buffer.IsEmpty) AssertSameBits(buffer[state.PerTensor ? 0 : i], piece[0], $"{optimizerName} n={length} {state.Name}[{i}]");
                }
            }
        }
    }

    /// <summary>Random values with exact zeros and negative zeros mixed in, as real gradients have.</summary>
    private static float[] Values(Random random, int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (i % 11) switch
            {
                3 => 0f,
                7 => -0f,
                _ => (float)(random.NextDouble() * 2 - 1) * scale,
            };
        }
        return values;
    }

    private static void AssertSameBits(float expected, float actual, string where) =>
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
            $"{where}: vector {expected:R} vs scalar {actual:R}");
}
