using System;
using System.Linq;
using ScratchOptim.Race;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Landscape;
using ScratchOptim.Train.Model;
using ScratchOptim.Train.Training;
using Xunit;

namespace ScratchOptim.Train.Tests;

public class LandscapeTests
{
    /// <summary>A 2-3-2 network: 17 weights.</summary>
    private static readonly TrainSettings Tiny = new() { HiddenSizes = [3] };

    private static readonly DataSplit TinyData = new("tiny", "four points",
        new Dataset("tiny (train)", [0.5f, -1f, 1f, 0.25f, -0.5f, 0.75f, 0f, 1f], [0, 1, 1, 0], featureCount: 2, classCount: 2),
        new Dataset("tiny (test)", [1f, 1f], [1], featureCount: 2, classCount: 2));

    [Fact]
    public void The_plane_is_spanned_by_the_two_directions_the_paths_move_most_and_the_paths_are_their_coordinates_on_it()
    {
        // Known orthonormal directions in the 17 weights: u along the first 16, v the last.
        var origin = Enumerable.Range(0, 17).Select(i => 0.1f * i - 0.8f).ToArray();
        var u = Enumerable.Range(0, 17).Select(i => i < 16 ? 0.25 : 0).ToArray();
        var v = Enumerable.Range(0, 17).Select(i => i == 16 ? 1.0 : 0).ToArray();
        // A moves along u from 3u to the origin, where it ends lowest; B along v, ending at v / 4.
        var a = Run("A", finalLoss: 0.1, origin, [(3, 0), (1.5, 0), (0, 0)], u, v);
        var b = Run("B", finalLoss: 0.2, origin, [(0, 1), (0, 0.5), (0, 0.25)], u, v);

        var landscape = LossLandscape.Compute(TinyData, Tiny, [b, a], gridSize: 5)!;

        Assert.Same(a, landscape.Center);
        // Second moments of the offsets: 9 + 2.25 along u, 1 + 0.25 + 0.0625 along v.
        Assert.Equal(11.25 / 12.5625, landscape.Shares[0], 1e-6);
        Assert.Equal(1.3125 / 12.5625, landscape.Shares[1], 1e-6);
        // The directions are found up to sign; the first point of each path tells which.
        double signU = Math.Sign(landscape.Paths[1].Points[0].X), signV = Math.Sign(landscape.Paths[0].Points[0].Y);
        AssertPath([(3, 0), (1.5, 0), (0, 0)], landscape.Paths[1], signU, signV);
        AssertPath([(0, 1), (0, 0.5), (0, 0.25)], landscape.Paths[0], signU, signV);

        // Each cell holds the mean training loss at the weights of its centre, row 0 at the top.
        var window = landscape.Window;
        Assert.True(window.XMin < -0.1 && window.XMax > 3 && window.YMin < 0 && window.YMax > 1);
        double x = window.XMin + 0.5 * (window.XMax - window.XMin) / 5, y = window.YMax - 0.5 * (window.YMax - window.YMin) / 5;
        var model = new Mlp<float>([2, 3, 2], seed: 0);
        model.SetParameters(Enumerable.Range(0, 17).Select(i => (float)(origin[i] + signU * x * u[i] + signV * y * v[i])).ToArray());
        Assert.Equal(model.Evaluate(TinyData.Train).Loss, landscape.Loss[0, 0], 1e-6);
        Assert.Equal(TinyData.Train.Count, landscape.Examples);
    }

    [Fact]
    public void Real_paths_start_together_and_the_lowest_ends_at_the_origin()
    {
        var data = Digits.Load();
        var settings = new TrainSettings { Epochs = 2, EvaluateEvery = null, TrajectoryPoints = 10 };
        var runs = new[] { TrainerTests.Entry("SGD", 0.3), TrainerTests.Entry("Adam", 0.01) }.Select(entry => Trainer.Run(data, entry, settings)).ToArray();

        var landscape = LossLandscape.Compute(data, settings, runs, gridSize: 4, maxExamples: 200)!;

        var lowest = runs.MinBy(run => run.Final.Loss)!;
        Assert.Same(lowest, landscape.Center);
        Assert.Equal((0.0, 0.0), landscape.Paths.Single(path => path.Run == lowest).Points[^1]);
        var starts = landscape.Paths.Select(path => path.Points[0]).ToArray();
        Assert.Equal(starts[0].X, starts[1].X, 1e-9);
        Assert.Equal(starts[0].Y, starts[1].Y, 1e-9);
        Assert.True(landscape.Shares[0] >= landscape.Shares[1] && landscape.Shares.Sum() <= 1 + 1e-12);
        Assert.Equal(200, landscape.Examples);
        Assert.All(landscape.Loss.Cast<double>(), loss => Assert.True(double.IsFinite(loss) && loss > 0));
    }

    [Fact]
    public void There_is_no_landscape_when_every_run_diverged()
    {
        var diverged = Run("A", finalLoss: double.NaN, new float[17], [(1, 0), (0, 0)], new double[17], new double[17]) with { DivergedAtStep = 1 };

        Assert.Null(LossLandscape.Compute(TinyData, Tiny, [diverged]));
    }

    /// <summary>A finished run whose weights after step i were origin + xᵢ u + yᵢ v.</summary>
    private static TrainingRun Run(string label, double finalLoss, float[] origin, (double X, double Y)[] path, double[] u, double[] v)
    {
        var trajectory = path.Select((point, step) => new TrajectoryPoint(step,
            origin.Select((w, i) => (float)(w + point.X * u[i] + point.Y * v[i])).ToArray())).ToArray();
        var racer = RacerCatalog.Find("SGD")! with { Label = label };
        return new TrainingRun(new RaceEntry(racer, 0.1), "2-3-2 MLP", [.. Enumerable.Repeat(1.0, path.Length - 1)], [.. Enumerable.Repeat(0.1, path.Length - 1)], [],
            new Evaluation(finalLoss, 1), new Evaluation(finalLoss, 1), null, null, TimeSpan.Zero, trajectory, null);
    }

    private static void AssertPath((double X, double Y)[] expected, LandscapePath path, double signU, double signV)
    {
        Assert.Equal(expected.Length, path.Points.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].X, signU * path.Points[i].X, 1e-6);
            Assert.Equal(expected[i].Y, signV * path.Points[i].Y, 1e-6);
        }
    }
}
