using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// The vector body and the scalar tail of every generated kernel round alike: a parameter of n elements (vector body
/// plus tail) ends bit-identical to n one-element parameters (tail only), for every n from 1 to three 64-byte vectors
/// plus 7, over several steps and then its procedures (each twice, in turn), in float and in double. tools/test.sh
/// runs the suite again with 256-bit and 128-bit registers only and without vector hardware, so every vector type is
/// covered.
/// </summary>
public class VectorScalarDifferentialTests
{
    // Enough steps to reach the rectified branches of RAdam and AdaBelief (rhoT > 5 from step 6).
    private const int Steps = 8;

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Vector_body_and_scalar_tail_agree_bit_for_bit_in_float(string optimizerName, bool everythingOn, string choice) =>
        AssertAgree<float>(optimizerName, everythingOn, choice);

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Vector_body_and_scalar_tail_agree_bit_for_bit_in_double(string optimizerName, bool everythingOn, string choice) =>
        AssertAgree<double>(optimizerName, everythingOn, choice);

    /// <summary>
    /// An optimizer whose only reductions are group sums that its settings switch off (Adan clips by the group's norm
    /// only with maxGradNorm) runs its group step element by element: one tensor of n elements and n one-element
    /// tensors in one group agree bit for bit too.
    /// </summary>
    [Theory]
    [InlineData("Adan")]
    public void A_group_step_whose_sums_are_off_agrees_vector_and_scalar(string optimizerName)
    {
        AssertAgree<float>(optimizerName, everythingOn: false, "", evenWithReductions: true);
        AssertAgree<double>(optimizerName, everythingOn: false, "", evenWithReductions: true);
    }

    private static void AssertAgree<T>(string optimizerName, bool everythingOn, string choice, bool evenWithReductions = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // A reduction over n one-element tensors is not one over the whole, nor is a matrix: VectorWidthTests covers those optimizers.
        var info = ScratchOptim.Optimizers.Catalog.Find(optimizerName)!.Info;
        if (info.MatrixOperations.Count > 0 || !evenWithReductions && info.Reductions.Count > 0) return;
        int lanes = 64 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int length = 1; length <= 3 * lanes + 7; length++)
        {
            var random = new Random(length * 7919 + optimizerName.Length);
            T[] initial = Values<T>(random, length, scale: 1f);
            var whole = new Parameter<T>((T[])initial.Clone(), "whole");
            var pieces = initial.Select((x, i) => new Parameter<T>([x], $"piece{i}")).ToArray();
            var vectorized = OptimizerConfigurations.Create(optimizerName, everythingOn, [whole], choice);
            var scalar = OptimizerConfigurations.Create(optimizerName, everythingOn, pieces, choice);

            for (int step = 0; step < Steps; step++)
            {
                T[] gradient = Values<T>(random, length, scale: step % 2 == 0 ? 1f : 30f);
                whole.Grad = gradient;
                for (int i = 0; i < length; i++) pieces[i].Grad = new[] { gradient[i] };
                vectorized.Step();
                scalar.Step();
            }
            // Twice in turn, so that a procedure that undoes another (Schedule-Free's Eval and Train) runs in both modes.
            for (int round = 0; round < 2; round++)
            {
                foreach (var procedure in vectorized.Info.Procedures)
                {
                    T[] gradient = Values<T>(random, length, scale: 3f);
                    whole.Grad = gradient;
                    for (int i = 0; i < length; i++) pieces[i].Grad = new[] { gradient[i] };
                    vectorized.RunProcedure(procedure.Name);
                    scalar.RunProcedure(procedure.Name);
                }
            }

            for (int i = 0; i < length; i++)
            {
                AssertSameBits(double.CreateTruncating(whole.Data.Span[i]), double.CreateTruncating(pieces[i].Data.Span[0]), $"{optimizerName} {choice} {typeof(T).Name} n={length} p[{i}]");
                foreach (var state in vectorized.Info.States.Where(s => s.Layout != StateLayout.Group))
                {
                    var buffer = vectorized.StateValues(whole, state.Name);
                    var piece = scalar.StateValues(pieces[i], state.Name);
                    Assert.Equal(buffer.Length == 0, piece.Length == 0);
                    if (buffer.Length > 0) AssertSameBits(buffer[state.Layout == StateLayout.Tensor ? 0 : i], piece[0], $"{optimizerName} {choice} {typeof(T).Name} n={length} {state.Name}[{i}]");
                }
            }
        }
    }

    /// <summary>Random values with exact zeros and negative zeros mixed in, as real gradients have.</summary>
    private static T[] Values<T>(Random random, int length, float scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (i % 11) switch
            {
                3 => T.Zero,
                7 => T.NegativeZero,
                _ => T.CreateTruncating((random.NextDouble() * 2 - 1) * scale),
            };
        }
        return values;
    }

    private static void AssertSameBits(double expected, double actual, string where) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
            $"{where}: vector {expected:R} vs scalar {actual:R}");
}
