using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

public class NormsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void Float_norm_is_the_correctly_rounded_double_norm(int length)
    {
        float[] a = Reference.ToFloat(Reference.Random(new Random(length), length, 3));
        double exact = Math.Sqrt(a.Sum(x => (double)x * x));
        // Double accumulation: the float result is the double norm rounded once (or its neighbour on a near-tie).
        float norm = Norms.FrobeniusNorm(a);
        Assert.True(Math.Abs(norm - exact) <= Math.Max(exact, float.Epsilon) * Reference.FloatRoundoff * 1.0001,
            $"{norm} vs {exact}");
    }

    [Theory]
    [InlineData(1.0, 1e-12)]
    [InlineData(1e200, 1e-12)]
    [InlineData(1e-200, 1e-12)]
    public void Double_norm_survives_values_whose_squares_overflow_or_underflow(double scale, double rtol)
    {
        double[] unit = Reference.Random(new Random(3), 101);
        double expected = Math.Sqrt(unit.Sum(x => x * x)) * scale;
        double norm = Norms.FrobeniusNorm(unit.Select(x => x * scale).ToArray());
        Assert.True(Math.Abs(norm - expected) <= rtol * expected, $"{norm} vs {expected}");
    }

    [Fact]
    public void Special_values_propagate()
    {
        Assert.Equal(0.0, Norms.FrobeniusNorm(new double[5]));
        Assert.Equal(0f, Norms.FrobeniusNorm(ReadOnlySpan<float>.Empty));
        Assert.True(double.IsNaN(Norms.FrobeniusNorm([1.0, double.NaN, 1e300])));
        Assert.Equal(double.PositiveInfinity, Norms.FrobeniusNorm([1.0, double.NegativeInfinity]));
        Assert.True(float.IsNaN(Norms.FrobeniusNorm([1f, float.NaN])));
        Assert.Equal(float.PositiveInfinity, Norms.FrobeniusNorm([float.MaxValue, float.MaxValue]));
    }
}
