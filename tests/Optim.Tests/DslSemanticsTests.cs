using System;
using System.Linq;
using System.Reflection;
using ScratchOptim.Dsl;
using ScratchOptim.Optimizers;
using Xunit;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Tests;

/// <summary>
/// The DSL's <see cref="Element"/> type is the declarations' reference semantics: run through its operators, an update
/// method computes what the generated kernel computes with contraction off. These tests run the declared update
/// itself, element by element, as an interpreter of the declaration.
/// </summary>
public class DslSemanticsTests
{
    [Fact]
    public void Fma_rounds_once_like_the_hardware_fused_multiply_add()
    {
        var random = new Random(12345);
        for (int i = 0; i < 200_000; i++)
        {
            float a = RandomFloat(random), b = RandomFloat(random);
            // Often make c nearly cancel the product, where a double rounding would show.
            float c = i % 2 == 0 ? RandomFloat(random) : -(a * b) * (1 + (float)(random.NextDouble() - 0.5) * 1e-6f);
            float expected = MathF.FusedMultiplyAdd(a, b, c);
            float actual = Fma(a, b, c).Value;
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"Fma({a:R}, {b:R}, {c:R}): {actual:R}, hardware {expected:R}");
        }
    }

    [Fact]
    public void Element_operators_round_a_step_uniform_double_where_it_meets_an_element()
    {
        Element g = 3f;
        const double beta = 0.1;
        Assert.Equal((float)beta * 3f, (beta * g).Value);
        Assert.Equal(1f / 3f * (float)beta, (beta / g).Value); // scalar / element = reciprocal(element) * scalar
        Assert.Equal(3f / (float)beta, (g / beta).Value);
        Assert.Equal(0f, Sign(new Element(-0f)).Value);
        Assert.True(float.IsNaN(Max(g, float.NaN).Value));
        Assert.False(float.IsNegative(Max(new Element(-0f), new Element(0f)).Value));
        Assert.True(float.IsNegative(Min(new Element(-0f), new Element(0f)).Value));
    }

    [Theory]
    [InlineData("GradientDescent")]
    [InlineData("HeavyBall")]
    [InlineData("NesterovMomentum")]
    public void A_strict_declaration_run_as_written_matches_its_generated_kernel_bit_for_bit(string name)
    {
        var random = new Random(name.Length);
        const int length = 3 * 16 + 7;
        var parameter = new Parameter<float>(Enumerable.Range(0, length).Select(_ => RandomFloat(random)).ToArray(), "w");
        var optimizer = Catalog.Find(name)!.Create([parameter]);
        Assert.Equal("strict", optimizer.Info.Contraction);

        var type = optimizer.GetType();
        var update = type.GetMethod("Update", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var stateFields = optimizer.Info.States.Select(s => type.GetField(s.Name, BindingFlags.Instance | BindingFlags.NonPublic)!).ToArray();
        float[] expected = parameter.Data.ToArray();
        var states = new Element[stateFields.Length, length];

        for (int t = 1; t <= 6; t++)
        {
            float[] gradient = Enumerable.Range(0, length).Select(_ => RandomFloat(random)).ToArray();
            parameter.Grad = gradient;
            optimizer.Step();

            for (int i = 0; i < length; i++)
            {
                for (int s = 0; s < stateFields.Length; s++) stateFields[s].SetValue(optimizer, states[s, i]);
                object[] arguments = [new Element(expected[i]), new Element(gradient[i]), t];
                update.Invoke(optimizer, arguments);
                expected[i] = ((Element)arguments[0]).Value;
                for (int s = 0; s < stateFields.Length; s++) states[s, i] = (Element)stateFields[s].GetValue(optimizer)!;
            }
            Assert.Equal(expected, parameter.Data.ToArray());
        }
    }

    private static float RandomFloat(Random random) =>
        (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-20, 20)));
}
