using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics.Tensors;
using ScratchOptim.Race.Numerics;
using ScratchOptim.Race.Plots;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Model;
using ScratchOptim.Train.Training;

namespace ScratchOptim.Train.Landscape;

/// <summary>One optimizer's path drawn on the plane: its trajectory's weights projected, in step order.</summary>
public sealed record LandscapePath(TrainingRun Run, IReadOnlyList<int> Steps, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// The network's loss on a plane through weight space, with the optimizers' paths on it: the race's picture on a
/// real network. The plane passes through the final weights of the run that ended lowest (its training loss) and is
/// spanned by the two principal directions of every run's weight trajectory relative to those weights (Li et al.,
/// "Visualizing the Loss Landscape of Neural Nets", 2018, §7): the two directions in which the paths move most.
/// Each path is drawn as its projection on the plane; the loss map is the true loss at the plane's points.
/// </summary>
public sealed class LossLandscape
{
    /// <summary>At most this many trajectory points (spread evenly over the runs) choose the directions, which keeps the eigenproblem small.</summary>
    public const int MaxPointsForDirections = 400;

    private LossLandscape(TrainingRun center, PlotWindow window, double[,] loss, double[] shares, IReadOnlyList<LandscapePath> paths, int examples)
    {
        Center = center;
        Window = window;
        Loss = loss;
        Shares = shares;
        Paths = paths;
        Examples = examples;
    }

    /// <summary>The run whose final weights are the plane's origin (0, 0).</summary>
    public TrainingRun Center { get; }

    /// <summary>The part of the plane the map covers.</summary>
    public PlotWindow Window { get; }

    /// <summary>The mean training loss at the centre of each cell; row 0 is the top (largest y), as an image.</summary>
    public double[,] Loss { get; }

    /// <summary>The share of the trajectories' spread (squared distance from the origin) along the first and the second direction.</summary>
    public IReadOnlyList<double> Shares { get; }

    /// <summary>Every run with a finite trajectory, projected.</summary>
    public IReadOnlyList<LandscapePath> Paths { get; }

    /// <summary>The training examples the map's loss is the mean over.</summary>
    public int Examples { get; }

    /// <summary>
    /// Computes the landscape of <paramref name="runs"/> (trained alike on <paramref name="data"/>, with trajectories),
    /// on a <paramref name="gridSize"/> × <paramref name="gridSize"/> map of the loss over the first
    /// <paramref name="maxExamples"/> training examples. Null when no run kept a finite trajectory.
    /// </summary>
    public static LossLandscape? Compute(DataSplit data, TrainSettings settings, IReadOnlyList<TrainingRun> runs, int gridSize = 25, int maxExamples = 2000)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var traced = runs
            .Select(run => (Run: run, Points: run.Trajectory.Where(point => point.Weights.All(float.IsFinite)).ToArray()))
            .Where(traced => traced.Points.Length >= 2)
            .ToArray();
        var finished = traced
            .Where(traced => !traced.Run.Diverged && double.IsFinite(traced.Run.Final.Loss) && traced.Points[^1].Step == traced.Run.Steps)
            .ToArray();
        if (finished.Length == 0) return null;
        var centerRun = finished.MinBy(traced => traced.Run.Final.Loss);
        var origin = centerRun.Points[^1].Weights;

        var (axes, shares) = PrincipalDirections(traced.Select(t => t.Points).ToArray(), origin);
        var paths = traced.Select(t => new LandscapePath(t.Run, [.. t.Points.Select(point => point.Step)], [.. t.Points.Select(point => Project(point.Weights, origin, axes))])).ToArray();
        var window = WindowAround(paths);

        var model = new Mlp<float>(settings.LayerSizes(data.FeatureCount, data.ClassCount), settings.Seed);
        int examples = Math.Min(maxExamples, data.Train.Count);
        var weights = new float[origin.Length];
        var loss = new double[gridSize, gridSize];
        for (int row = 0; row < gridSize; row++)
        {
            double y = window.YMax - (row + 0.5) * (window.YMax - window.YMin) / gridSize;
            for (int column = 0; column < gridSize; column++)
            {
                double x = window.XMin + (column + 0.5) * (window.XMax - window.XMin) / gridSize;
                for (int i = 0; i < weights.Length; i++) weights[i] = (float)(origin[i] + x * axes[0][i] + y * axes[1][i]);
                model.SetParameters(weights);
                loss[row, column] = model.Evaluate(data.Train, examples).Loss;
            }
        }
        return new LossLandscape(centerRun.Run, window, loss, shares, paths, examples);
    }

    /// <summary>
    /// The two leading eigenvectors of the second moment Σ dᵢdᵢᵀ of the points' offsets dᵢ from the origin, found
    /// from the small Gram matrix G = [dᵢ·dⱼ] (its eigenvectors v give the directions Σ vᵢdᵢ), and each one's share of
    /// the trace.
    /// </summary>
    private static (double[][] Axes, double[] Shares) PrincipalDirections(IReadOnlyList<TrajectoryPoint[]> trajectories, float[] origin)
    {
        int total = trajectories.Sum(points => points.Length);
        int stride = (total + MaxPointsForDirections - 1) / MaxPointsForDirections;
        var offsets = trajectories
            .SelectMany(points => points.Where((_, i) => i % stride == 0 || i == points.Length - 1))
            .Select(point =>
            {
                var offset = new float[origin.Length];
                TensorPrimitives.Subtract(point.Weights, origin, offset);
                return offset;
            })
            .Where(offset => TensorPrimitives.SumOfSquares<float>(offset) > 0)
            .ToArray();

        int n = offsets.Length;
        var gram = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                gram[i, j] = gram[j, i] = TensorPrimitives.Dot<float>(offsets[i], offsets[j]);
        var (values, vectors) = n > 0 ? SymmetricEigen.Decompose(gram) : ([], []);
        double trace = values.Sum(value => Math.Max(value, 0));

        var axes = new double[2][];
        var shares = new double[2];
        for (int k = 0; k < 2; k++)
        {
            axes[k] = new double[origin.Length];
            if (k < n && values[k] > 1e-12 * trace)
            {
                for (int i = 0; i < n; i++)
                    for (int p = 0; p < origin.Length; p++) axes[k][p] += vectors[k][i] * offsets[i][p];
                shares[k] = values[k] / trace;
            }
            else
            {
                // The paths span less than two directions (e.g. one run on a straight line): complete the plane with any unit vector orthogonal to the first.
                axes[k][k] = 1;
            }
            for (int j = 0; j < k; j++)
            {
                double overlap = TensorPrimitives.Dot<double>(axes[k], axes[j]);
                for (int p = 0; p < origin.Length; p++) axes[k][p] -= overlap * axes[j][p];
            }
            double norm = Math.Sqrt(TensorPrimitives.SumOfSquares<double>(axes[k]));
            TensorPrimitives.Divide(axes[k], norm, axes[k]);
        }
        return (axes, shares);
    }

    private static (double X, double Y) Project(float[] weights, float[] origin, double[][] axes)
    {
        double x = 0, y = 0;
        for (int p = 0; p < weights.Length; p++)
        {
            double offset = (double)weights[p] - origin[p];
            x += offset * axes[0][p];
            y += offset * axes[1][p];
        }
        return (x, y);
    }

    /// <summary>Every point of every path and the origin, with a margin; neither side shorter than half the other.</summary>
    private static PlotWindow WindowAround(IReadOnlyList<LandscapePath> paths)
    {
        var points = paths.SelectMany(path => path.Points).Append((0, 0)).ToArray();
        double xMin = points.Min(p => p.X), xMax = points.Max(p => p.X);
        double yMin = points.Min(p => p.Y), yMax = points.Max(p => p.Y);
        double side = Math.Max(Math.Max(xMax - xMin, yMax - yMin), 1e-6);
        (xMin, xMax) = Widen(xMin, xMax, side / 2);
        (yMin, yMax) = Widen(yMin, yMax, side / 2);
        const double margin = 0.15;
        double xPad = margin * (xMax - xMin), yPad = margin * (yMax - yMin);
        return new PlotWindow(xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad);
    }

    private static (double Min, double Max) Widen(double min, double max, double span)
    {
        double centre = (min + max) / 2;
        return (Math.Min(min, centre - span / 2), Math.Max(max, centre + span / 2));
    }
}
