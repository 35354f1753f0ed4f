using ScratchOptim.Race.Numerics;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class NumericsTests
{
    [Fact]
    public void SplitMix64_produces_the_published_sequence()
    {
        // The sequence for seed 1234567 published with the algorithm's reference implementations.
        var random = new SplitMix64(1234567);

        Assert.Equal(6457827717110365317UL, random.NextUInt64());
        Assert.Equal(3203168211198807973UL, random.NextUInt64());
        Assert.Equal(9817491932198370423UL, random.NextUInt64());
    }

    [Fact]
    public void SplitMix64_doubles_stay_in_the_asked_range()
    {
        var random = new SplitMix64(1);
        for (int i = 0; i < 1000; i++)
        {
            double value = random.NextDouble(-1, 1);
            Assert.InRange(value, -1, 1);
            Assert.NotEqual(1, value);
        }
    }

    [Fact]
    public void Cholesky_solves_a_symmetric_positive_definite_system()
    {
        var matrix = new double[,] { { 4, 12, -16 }, { 12, 37, -43 }, { -16, -43, 98 } };
        double[] expected = [1, -2, 3];
        var rightSide = new double[3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                rightSide[i] += matrix[i, j] * expected[j];

        var solution = Cholesky.Solve(matrix, rightSide);

        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], solution[i], 1e-12);
    }

    [Fact]
    public void Cholesky_refuses_a_matrix_that_is_not_positive_definite()
    {
        var matrix = new double[,] { { 1, 2 }, { 2, 1 } };

        Assert.Throws<System.InvalidOperationException>(() => Cholesky.Solve(matrix, [1.0, 1.0]));
    }
}
