using System;
using System.Numerics;
using ScratchOptim.Dsl;
using ScratchOptim.Simd;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// <c>Lerp</c> rounds as PyTorch's CPU <c>torch.lerp</c>: the float, vector and DSL forms against values recorded with
/// PyTorch 2.14.1 (AVX2; the 32-element SIMD body and the 5-element scalar tail of a 37-element tensor gave the same
/// bits, for a scalar and for a tensor weight). tools/test.sh runs these under every vector width.
/// </summary>
public class LerpTests
{
    /// <summary>(self, end, weight, torch.lerp's result) as float32 bit patterns, and what the case tells apart.</summary>
    public static TheoryData<uint, uint, uint, uint, string> TorchCases => new()
    {
        { 0x3e99999a, 0xbf333333, 0x3dcccccd, 0x3e4cccce, "lerp(0.3, -0.7, 0.1): |w| < 0.5 takes the form exact at self (the other gives 0x3e4ccccc)" },
        { 0xc0200000, 0x40e80000, 0x3e99999a, 0x3ed9999e, "lerp(-2.5, 7.25, 0.3): the multiply-add is fused (unfused gives 0x3ed999a0)" },
        { 0x3a83126f, 0x40400000, 0x3f333333, 0x40066b50, "lerp(0.001, 3, 0.7): |w| >= 0.5 takes the form exact at end (the other gives 0x40066b51)" },
        { 0xc0066666, 0x3eb33333, 0x3f333333, 0xbec51eb8, "lerp(-2.1, 0.35, 0.7): fused in the large-weight form too (unfused gives 0xbec51eb7)" },
        { 0x403ae148, 0xbe6147ae, 0x3f666666, 0x3dc0831e, "lerp(2.92, -0.22, 0.9): fused large-weight form (unfused 0x3dc08320, small form 0x3dc0831a)" },
        { 0x3dcccccd, 0x3f333333, 0x3f000000, 0x3ecccccd, "lerp(0.1, 0.7, 0.5): weight exactly 0.5 is not small (the small form gives 0x3ecccccc)" },
        { 0xbfa66666, 0x4039999a, 0x3f000000, 0x3f4cccd0, "lerp(-1.3, 2.9, 0.5): weight exactly 0.5 (the small form gives 0x3f4ccccc)" },
        { 0x3e99999a, 0xbf333333, 0xbe99999a, 0x3f19999a, "lerp(0.3, -0.7, -0.3): a negative weight with |w| < 0.5 is small (the other gives 0x3f199999)" },
        { 0x3dcccccd, 0x3f333333, 0xbf000000, 0xbe4cccca, "lerp(0.1, 0.7, -0.5): |w| is compared, not w (PyTorch 1.13 compared w and gave 0xbe4ccccc)" },
        { 0x3f8a3d71, 0x403c28f6, 0xbf333333, 0xbe6353fc, "lerp(1.08, 2.94, -0.7): fused large-weight form (unfused 0xbe635400, small form 0xbe6353f4)" },
        { 0x3fd9999a, 0xc0466666, 0x3fa66666, 0xc09147ae, "lerp(1.7, -3.1, 1.3): extrapolation" },
        { 0x3e99999a, 0xbf333333, 0x00000000, 0x3e99999a, "weight 0 gives self exactly" },
        { 0x3e99999a, 0xbf333333, 0x3f800000, 0xbf333333, "weight 1 gives end exactly" },
        { 0x80000000, 0x00000000, 0x3dcccccd, 0x00000000, "lerp(-0, +0, 0.1) is +0" },
        { 0x00000000, 0x80000000, 0x3f666666, 0x00000000, "lerp(+0, -0, 0.9) is +0" },
        { 0x3e99999a, 0xbf333333, 0x7fc00000, 0x7fc00000, "a NaN weight gives NaN" },
        { 0x7fc00000, 0x3f800000, 0x3dcccccd, 0x7fc00000, "a NaN self gives NaN" },
    };

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void Float_form_matches_torch(uint self, uint end, uint weight, uint expected, string what) =>
        AssertBits(expected, ElementMath.Lerp(F(self), F(end), F(weight)), what);

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void Vector_form_matches_torch_in_every_lane(uint self, uint end, uint weight, uint expected, string what)
    {
        var result = ElementMath.Lerp(new Vector<float>(F(self)), new Vector<float>(F(end)), new Vector<float>(F(weight)));
        for (int lane = 0; lane < Vector<float>.Count; lane++) AssertBits(expected, result[lane], $"{what}, lane {lane}");
    }

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void Dsl_form_matches_torch(uint self, uint end, uint weight, uint expected, string what) =>
        AssertBits(expected, Intrinsics.Lerp(new Element(F(self)), new Element(F(end)), new Element(F(weight))).Value, what);

    [Fact]
    public void Dsl_form_rounds_a_step_uniform_weight_to_float_first()
    {
        // exp_avg.lerp_(grad, 1 - beta1): the weight is the double 1 - beta1 rounded to float, as PyTorch rounds a Python scalar.
        const double beta1 = 0.9;
        Element m = 0.3f, g = -0.7f;
        AssertBits(0x3e4cccce, Intrinsics.Lerp(m, g, 1 - beta1).Value, "lerp(0.3, -0.7, 1 - 0.9)");
    }

    [Fact]
    public void Vector_form_takes_each_lanes_branch_by_its_own_weight_and_equals_the_float_form()
    {
        var random = new Random(2024);
        int lanes = Vector<float>.Count;
        var self = new float[lanes];
        var end = new float[lanes];
        var weight = new float[lanes];
        for (int round = 0; round < 20_000; round++)
        {
            for (int lane = 0; lane < lanes; lane++)
            {
                self[lane] = RandomFloat(random);
                end[lane] = random.Next(4) == 0 ? self[lane] * (1 + (float)random.NextDouble() * 1e-3f) : RandomFloat(random);
                // Weights on both sides of the branch, exactly ±0.5 and the floats next to it included.
                weight[lane] = (random.Next(6)) switch
                {
                    0 => 0.5f,
                    1 => -0.5f,
                    2 => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(0.5f) + random.Next(-2, 3)),
                    _ => (float)(random.NextDouble() * 3 - 1.5),
                };
            }
            var result = ElementMath.Lerp(new Vector<float>(self), new Vector<float>(end), new Vector<float>(weight));
            for (int lane = 0; lane < lanes; lane++)
            {
                float expected = ElementMath.Lerp(self[lane], end[lane], weight[lane]);
                AssertBits(Bits(expected), result[lane], $"lane {lane}: lerp({self[lane]:R}, {end[lane]:R}, {weight[lane]:R})");
                AssertBits(Bits(expected), Intrinsics.Lerp(new Element(self[lane]), new Element(end[lane]), new Element(weight[lane])).Value,
                    $"DSL lerp({self[lane]:R}, {end[lane]:R}, {weight[lane]:R})");
            }
        }
    }

    [Fact]
    public void A_prepared_weight_gives_the_float_form_in_every_lane_of_every_vector_type()
    {
        // The generated loops prepare a step-uniform weight once (PrepareLerp) and call Lerp with it on every vector.
        AssertPreparedLerp<float, Simd512<float>>();
        AssertPreparedLerp<float, Simd256x2<float>>();
        AssertPreparedLerp<float, Simd128x4<float>>();
        AssertPreparedLerp<float, SimdScalar<float>>();
        AssertPreparedLerp<double, Simd512<double>>();
        AssertPreparedLerp<double, Simd256x2<double>>();
        AssertPreparedLerp<double, Simd128x4<double>>();
        AssertPreparedLerp<double, SimdScalar<double>>();
    }

    private static void AssertPreparedLerp<T, TVector>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, ISimd<TVector, T>
    {
        var random = new Random(5);
        double[] weights = [0, 0.1, 0.3, 0.4999999, 0.5, 0.5000001, 0.7, 0.9, 1, 1.3, -0.3, -0.5, -0.7, double.NaN];
        var self = new T[TVector.Count];
        var end = new T[TVector.Count];
        var result = new T[TVector.Count];
        foreach (double w in weights)
        {
            T weight = T.CreateTruncating(w);
            var prepared = TVector.PrepareLerp(TVector.Create(weight));
            for (int round = 0; round < 200; round++)
            {
                for (int lane = 0; lane < TVector.Count; lane++)
                {
                    self[lane] = T.CreateTruncating(RandomFloat(random));
                    end[lane] = T.CreateTruncating(RandomFloat(random));
                }
                TVector.Store(TVector.Lerp(TVector.Load(ref self[0], 0), TVector.Load(ref end[0], 0), prepared), ref result[0], 0);
                for (int lane = 0; lane < TVector.Count; lane++)
                {
                    T expected = ElementMath.Lerp(self[lane], end[lane], weight);
                    bool sameBits = BitConverter.DoubleToInt64Bits(double.CreateTruncating(expected)) == BitConverter.DoubleToInt64Bits(double.CreateTruncating(result[lane]));
                    Assert.True(sameBits || (T.IsNaN(expected) && T.IsNaN(result[lane])),
                        $"{typeof(TVector).Name}, lane {lane}: lerp({self[lane]}, {end[lane]}, {weight}) gave {result[lane]}, expected {expected}");
                }
            }
        }
    }

    [Fact]
    public void Each_form_is_exact_at_its_own_end_point()
    {
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            float self = RandomFloat(random), end = RandomFloat(random);
            // Weight 0 takes the small form, fma(0, d, self) = self; weight 1 the large one, fma(0, d, end) = end.
            AssertBits(Bits(self), ElementMath.Lerp(self, end, 0f), $"lerp({self:R}, {end:R}, 0)");
            AssertBits(Bits(end), ElementMath.Lerp(self, end, 1f), $"lerp({self:R}, {end:R}, 1)");
        }
    }

    private static float RandomFloat(Random random) =>
        (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-12, 12)));

    private static float F(uint bits) => BitConverter.Int32BitsToSingle(unchecked((int)bits));

    private static uint Bits(float value) => unchecked((uint)BitConverter.SingleToInt32Bits(value));

    private static void AssertBits(uint expected, float actual, string what) =>
        Assert.True(Bits(actual) == expected || (float.IsNaN(F(expected)) && float.IsNaN(actual)),
            $"{what}: got {actual:R} (0x{Bits(actual):x8}), expected {F(expected):R} (0x{expected:x8})");
}
