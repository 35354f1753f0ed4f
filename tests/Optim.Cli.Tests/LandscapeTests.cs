using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class LandscapeTests
{
    public static IEnumerable<object[]> Names() => LandscapeCatalog.Names.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Names))]
    public void The_float_gradient_matches_central_differences_of_the_double_loss(string name)
    {
        var landscape = LandscapeCatalog.Find(name)!;
        var random = new Random(7);
        for (int trial = 0; trial < 5; trial++)
        {
            var point = Enumerable.Range(0, landscape.Dimension).Select(_ => (float)(random.NextDouble() * 3 - 1.5)).ToArray();
            var gradient = new float[landscape.Dimension];
            landscape.Gradient(point, gradient);

            var here = Array.ConvertAll(point, coordinate => (double)coordinate);
            for (int i = 0; i < here.Length; i++)
            {
                const double h = 1e-6;
                var ahead = (double[])here.Clone();
                var behind = (double[])here.Clone();
                ahead[i] += h;
                behind[i] -= h;
                double numeric = (landscape.Loss(ahead) - landscape.Loss(behind)) / (2 * h);
                Assert.True(Math.Abs(gradient[i] - numeric) <= 1e-3 * Math.Max(1, Math.Abs(numeric)),
                    $"{name} at ({string.Join(", ", here)}), coordinate {i}: gradient {gradient[i]}, central difference {numeric}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_listed_minimum_is_a_stationary_point_with_the_lowest_loss_nearby(string name)
    {
        var landscape = LandscapeCatalog.Find(name)!;
        foreach (var minimum in landscape.Minima)
        {
            var at = minimum.ToArray();
            double loss = landscape.Loss(at);
            for (int i = 0; i < at.Length; i++)
            {
                foreach (double offset in new[] { -1e-3, 1e-3 })
                {
                    var nearby = (double[])at.Clone();
                    nearby[i] += offset;
                    Assert.True(landscape.Loss(nearby) > loss, $"{name}: moving coordinate {i} by {offset} lowers the loss");
                }
            }
        }
    }

    [Fact]
    public void The_least_squares_minimum_satisfies_the_normal_equations()
    {
        var landscape = new LeastSquares();
        double[,] a = landscape.Matrix;
        double[] b = landscape.Target;
        var x = landscape.Minima.Single().ToArray();

        // Aᵀ(Ax − b), computed here without the landscape's solver.
        var residual = new double[a.GetLength(0)];
        for (int i = 0; i < residual.Length; i++)
        {
            residual[i] = -b[i];
            for (int j = 0; j < x.Length; j++) residual[i] += a[i, j] * x[j];
        }
        for (int j = 0; j < x.Length; j++)
        {
            double normal = 0;
            for (int i = 0; i < residual.Length; i++) normal += a[i, j] * residual[i];
            Assert.True(Math.Abs(normal) < 1e-12, $"component {j} of Aᵀ(Ax − b) is {normal}");
        }
        Assert.True(residual.Sum(r => r * r) > 0.1, "ten equations in five unknowns should not be solved exactly");
    }

    [Fact]
    public void The_least_squares_problem_is_the_same_every_time()
    {
        Assert.Equal(new LeastSquares().Matrix, new LeastSquares().Matrix);
        Assert.Equal(new LeastSquares().Minima.Single(), new LeastSquares().Minima.Single());
    }

    [Fact]
    public void Himmelblau_has_four_minima_of_loss_zero()
    {
        var landscape = new Himmelblau();

        Assert.Equal(4, landscape.Minima.Count);
        Assert.All(landscape.Minima, minimum => Assert.True(landscape.Loss(minimum.ToArray()) < 1e-20));
    }

    [Fact]
    public void The_saddle_has_no_minimum()
    {
        Assert.Empty(new Saddle().Minima);
    }

    [Fact]
    public void Landscapes_are_found_by_name_ignoring_case()
    {
        Assert.IsType<Beale>(LandscapeCatalog.Find("BEALE"));
        Assert.Null(LandscapeCatalog.Find("nope"));
    }
}
