using System;
using System.Linq;
using System.Numerics;
using ScratchOptim.Simd;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Every generated kernel gives the same bits whatever registers it runs on: one 512-bit, two 256-bit or four 128-bit
/// registers per 64-byte vector, or none (every element through the scalar form, which is also how the scalar tail
/// and a machine without vector hardware compute). This is what makes reductions reproducible across machines, so it
/// is checked for every optimizer in float and double, on tensors long enough to span several reduction blocks and on
/// matrices with a column tail, group state included (its sums run over all five tensors of the group).
/// </summary>
public class VectorWidthTests
{
    private static readonly int[][] Shapes = [[1], [37], [5000], [5, 7], [9, 33]];

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Every_vector_width_gives_the_same_bits_in_float(string optimizerName, bool everythingOn, string choice) =>
        AssertSameForEveryWidth<float>(optimizerName, everythingOn, choice);

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Every_vector_width_gives_the_same_bits_in_double(string optimizerName, bool everythingOn, string choice) =>
        AssertSameForEveryWidth<double>(optimizerName, everythingOn, choice);

    private static void AssertSameForEveryWidth<T>(string optimizerName, bool everythingOn, string choice)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var widths = new[] { SimdWidth.Bits512, SimdWidth.Bits256, SimdWidth.Bits128, SimdWidth.Scalar }.Where(Accelerated<T>).ToArray();
        var runs = widths.Select(width => Run<T>(optimizerName, everythingOn, choice, width)).ToArray();
        for (int w = 1; w < runs.Length; w++)
        {
            for (int v = 0; v < runs[0].Length; v++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(runs[0][v]) == BitConverter.DoubleToInt64Bits(runs[w][v]),
                    $"{optimizerName} {choice} {typeof(T).Name}: value {v} is {runs[0][v]:R} with {widths[0]} and {runs[w][v]:R} with {widths[w]}");
            }
        }
    }

    [Fact]
    public void A_width_that_is_not_one_of_the_enumeration_is_refused_and_the_choice_kept()
    {
        var optimizer = OptimizerConfigurations.Create("Adam", everythingOn: false, [new Parameter<float>(new float[3], "p")], "");
        optimizer.VectorWidth = SimdWidth.Scalar;
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.VectorWidth = (SimdWidth)7);
        Assert.Contains("Scalar", refusal.Message);
        Assert.Equal(SimdWidth.Scalar, optimizer.VectorWidth);
    }

    /// <summary>Every parameter and state value after a few steps, in a fixed order.</summary>
    private static double[] Run<T>(string optimizerName, bool everythingOn, string choice, SimdWidth width)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(17);
        var parameters = OptimizerConfigurations.ShapesFor(optimizerName, Shapes).Select((shape, i) => new Parameter<T>(Values<T>(random, shape.Aggregate(1, (a, b) => a * b)), shape, $"p{i}")).ToArray();
        var optimizer = OptimizerConfigurations.Create(optimizerName, everythingOn, parameters, choice);
        optimizer.VectorWidth = width;
        for (int step = 0; step < 3; step++)
        {
            foreach (var parameter in parameters) parameter.Grad = Values<T>(random, parameter.Length);
            optimizer.Step();
        }
        var groupStates = optimizer.Info.States.Where(s => s.Layout == StateLayout.Group).ToList();
        return parameters.SelectMany(p => p.Data.ToArray().Select(x => double.CreateTruncating(x))
                .Concat(optimizer.Info.States.Where(s => s.Layout != StateLayout.Group).SelectMany(s => optimizer.StateValues(p, s.Name))))
            .Concat(groupStates.Select(s => optimizer.GroupStateValue(0, s.Name) ?? double.NaN))
            .ToArray();
    }

    private static bool Accelerated<T>(SimdWidth width)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => width switch
        {
            SimdWidth.Bits512 => Simd512<T>.IsHardwareAccelerated,
            SimdWidth.Bits256 => Simd256x2<T>.IsHardwareAccelerated,
            SimdWidth.Bits128 => Simd128x4<T>.IsHardwareAccelerated,
            _ => true,
        };

    private static T[] Values<T>(Random random, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, length).Select(_ => T.CreateTruncating(random.NextDouble() * 2 - 1)).ToArray();
}
