using System;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using ScratchOptim.Race.Numerics;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// The matrix landscape ||AX − B||²_F, where the racers move a 4 × 3 matrix and Muon races. Its gradient and minimum
/// are also checked with every landscape's in <see cref="LandscapeTests"/>.
/// </summary>
public class MatrixRaceTests
{
    private static readonly MatrixLeastSquares Landscape = new();

    [Fact]
    public void Its_position_is_a_4_by_3_matrix_and_every_other_landscapes_a_vector()
    {
        Assert.Equal([4, 3], Landscape.Shape);
        Assert.Same(Landscape.GetType(), LandscapeCatalog.Find("Matrix-Least-Squares")!.GetType());
        foreach (var landscape in LandscapeCatalog.All)
            Assert.Equal(landscape.Dimension, landscape.Shape.Aggregate(1, (product, length) => product * length));
        Assert.Equal(LandscapeCatalog.All.Where(landscape => landscape is not MatrixLeastSquares), LandscapeCatalog.Vectors);
    }

    [Fact]
    public void The_minimum_satisfies_the_normal_equations_of_every_column()
    {
        double[,] a = Landscape.Matrix, b = Landscape.Target;
        var x = Landscape.Minima.Single().ToArray();
        int rows = a.GetLength(1), columns = b.GetLength(1);

        // Aᵀ(AX − B), computed here without the landscape's solver, with X read row by row.
        double residualSquares = 0;
        var residual = new double[a.GetLength(0), columns];
        for (int i = 0; i < a.GetLength(0); i++)
        {
            for (int c = 0; c < columns; c++)
            {
                residual[i, c] = -b[i, c];
                for (int j = 0; j < rows; j++) residual[i, c] += a[i, j] * x[j * columns + c];
                residualSquares += residual[i, c] * residual[i, c];
            }
        }
        for (int j = 0; j < rows; j++)
        {
            for (int c = 0; c < columns; c++)
            {
                double normal = 0;
                for (int i = 0; i < a.GetLength(0); i++) normal += a[i, j] * residual[i, c];
                Assert.True(Math.Abs(normal) < 1e-12, $"entry ({j}, {c}) of Aᵀ(AX − B) is {normal}");
            }
        }
        Assert.Equal(residualSquares, Landscape.Loss(x), 12);
        Assert.True(residualSquares > 0.1, "eight equations in four unknowns per column should not be solved exactly");
    }

    [Fact]
    public void Muon_at_its_tuned_rate_converges_to_the_minimum()
    {
        var entry = new RacerSelection(RacerCatalog.Find("Muon")!, null).For(Landscape);
        var race = RaceEngine.Run(Landscape, [entry], new RaceSettings(Landscape.DefaultSteps, Landscape.DefaultStart));
        var run = race.Runs.Single();
        double startDistance = Math.Sqrt(Landscape.Minima.Single().Sum(coordinate => coordinate * coordinate));

        Assert.Equal(0.002, entry.LearningRate);
        Assert.Null(run.DivergedAtStep);
        Assert.True(startDistance > 1, $"the minimum is {startDistance} from the start");
        Assert.True(run.DistanceToNearestMinimum < 5e-3, $"Muon ended {run.DistanceToNearestMinimum} from the minimum");
        Assert.True(run.FinalLoss - race.MinimumLoss < 1e-3 * (run.Losses[0] - race.MinimumLoss),
            $"Muon's loss fell from {run.Losses[0]} to {run.FinalLoss}; the lowest is {race.MinimumLoss}");
    }

    /// <summary>
    /// Muon orthogonalizes the 4 × 3 matrix, not a list of twelve numbers: its first step from X = 0 (no momentum or
    /// weight decay yet) is lr · max(1, 4/3)^0.5 times a matrix whose three singular values Newton–Schulz has moved
    /// near 1, however unequal the gradient's are.
    /// </summary>
    [Fact]
    public void Muons_first_step_on_the_matrix_has_every_singular_value_near_one()
    {
        const double lr = 0.002;
        var run = RaceEngine.Run(Landscape, [new RaceEntry(RacerCatalog.Find("Muon")!, lr)], new RaceSettings(1, Landscape.DefaultStart)).Runs.Single();
        var step = run.Path[1].Select(coordinate => coordinate / (lr * Math.Sqrt(4.0 / 3))).ToArray();
        var gradient = new float[12];
        Landscape.Gradient(new float[12], gradient);

        double[] stepValues = SingularValues(Array.ConvertAll(step, value => value)), gradientValues = SingularValues(Array.ConvertAll(gradient, value => (double)value));

        Assert.True(gradientValues[0] > 2 * gradientValues[2], $"the gradient's singular values {string.Join(", ", gradientValues)} are nearly equal already");
        Assert.All(stepValues, value => Assert.InRange(value, 0.6, 1.3));
    }

    [Fact]
    public void Every_optimizer_that_takes_matrices_races_on_it_and_every_other_is_refused_saying_why()
    {
        foreach (var entry in ScratchOptim.Optimizers.Catalog.All)
        {
            var racer = RacerCatalog.Find(entry.Info.Name)!;
            var race = () => RaceEngine.Run(Landscape, [new RacerSelection(racer, null).For(Landscape)], new RaceSettings(5, Landscape.DefaultStart));
            if (entry.Info.MinRank <= 2 && 2 <= entry.Info.MaxRank)
            {
                Assert.True(racer.Accepts(Landscape), entry.Info.Name);
                Assert.Equal(6, race().Runs.Single().Path.Count);
            }
            else
            {
                var error = Assert.Throws<ArgumentException>(race);
                Assert.Contains($"{entry.Info.Name} cannot race on matrix-least-squares", error.Message);
            }
        }
        Assert.Contains(ScratchOptim.Optimizers.Catalog.All, entry => entry.Info.Name == "SOAP");
    }

    [Fact]
    public void Muon_races_on_the_matrix_by_the_one_test_of_who_races_and_not_on_a_vector()
    {
        var muon = new RacerSelection(RacerCatalog.Find("Muon")!, null);

        Assert.Null(muon.Refusal(Landscape));
        Assert.StartsWith("Muon cannot race on bowl: Muon takes 2-D parameters", muon.Refusal(new Bowl()));
        Assert.All(RacerCatalog.Names, name => Assert.Null(new RacerSelection(RacerCatalog.Find(name)!, null).Refusal(Landscape)));
    }

    [Fact]
    public void Muon_is_refused_on_a_vector_landscape_before_any_racer_steps_naming_its_ranks_and_where_it_can_race()
    {
        var entries = new[] { new RaceEntry(RacerCatalog.Find("SGD")!, 0.1), new RaceEntry(RacerCatalog.Find("Muon")!, 0.002) };

        var error = Assert.Throws<ArgumentException>(() => RaceEngine.Run(new LeastSquares(), entries, new RaceSettings(5, new double[5])));

        Assert.Equal("Muon cannot race on least-squares: Muon takes 2-D parameters, and a position on least-squares is a vector of 5 (1-D); " +
            "it races on matrix-least-squares.", error.Message);
    }

    [Fact]
    public void The_cli_races_Muon_on_the_matrix_and_draws_it()
    {
        using var plots = new TempDirectory();

        var outcome = CliRunner.Run("race", "-l", "matrix-least-squares", "-o", "SGD", "Muon", "--plots", plots.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.Contains("matrix-least-squares: ||AX − B||²_F, A 8×4, X 4×3, 1000 steps", outcome.Output);
        var muon = Row(outcome.Output, "Muon");
        Assert.Equal("0.002", muon[1]);
        Assert.True(double.Parse(muon[4], System.Globalization.CultureInfo.InvariantCulture) < 5e-3, $"Muon's distance to the minimum: {muon[4]}");
        foreach (var name in new[] { "matrix-least-squares-paths.png", "matrix-least-squares-loss.png" })
            Assert.True(new FileInfo(plots.File(name)).Length > 0, name);
    }

    [Fact]
    public void The_cli_refuses_Muon_on_the_default_landscapes_before_racing_any()
    {
        var line = CliRunner.AssertOneLineError(CliRunner.Run("race", "-o", "Adam", "Muon", "--no-plots"));

        Assert.Contains("Muon cannot race on least-squares: Muon takes 2-D parameters", line);
        Assert.Contains("it races on matrix-least-squares", line);
    }

    [Fact]
    public void The_help_lists_the_matrix_landscape_with_its_shape()
    {
        var outcome = CliRunner.Run("race", "--help");

        Assert.Contains("matrix-least-squares (4×3 matrix)", outcome.Output);
        Assert.Contains("Muon", outcome.Output);
    }

    /// <summary>The singular values of a 4 × 3 matrix given row by row, largest first: square roots of XᵀX's eigenvalues.</summary>
    private static double[] SingularValues(double[] matrix)
    {
        var gram = new double[3, 3];
        for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++)
                for (int i = 0; i < 4; i++) gram[p, q] += matrix[i * 3 + p] * matrix[i * 3 + q];
        return SymmetricEigen.Decompose(gram).Values.Select(value => Math.Sqrt(Math.Max(value, 0))).ToArray();
    }

    private static string[] Row(string output, string label) =>
        output.Split('\n')
            .Select(line => line.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .First(cells => cells.Length > 0 && cells[0] == label);
}
