using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;
using ScratchOptim.Cli.Race.Plots;
using ScratchOptim.Train.Landscape;
using ScratchOptim.Train.Training;

namespace ScratchOptim.Cli.Train.Plots;

/// <summary>
/// Draws a training comparison like the race's pictures (its colours, font, map and contour style): the training
/// loss per step, the test accuracy per step, the paths on the loss landscape, and a learning-rate sweep.
/// </summary>
public static class TrainPlots
{
    public const int CurveWidth = 1000;
    public const int CurveHeight = 600;
    public const int LandscapeWidth = 1000;
    public const int LandscapeHeight = 800;

    /// <summary>Accuracies with a tick on the scale of nines.</summary>
    private static readonly double[] AccuracyTicks = [0, 0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999];

    /// <summary>The file names written for data set <paramref name="dataName"/>.</summary>
    public static (string Loss, string Accuracy, string Landscape, string Sweep) FileNames(string dataName)
    {
        string name = string.Concat(dataName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-'));
        return ($"{name}-loss.png", $"{name}-accuracy.png", $"{name}-landscape.png", $"{name}-lr-sweep.png");
    }

    /// <summary>Writes the loss, accuracy and (unless null) landscape pictures into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(TrainingComparison comparison, LossLandscape? landscape, string directory)
    {
        var names = FileNames(comparison.Data.Name);
        var written = new List<string>();
        Save(LossPlot(comparison), Path.Combine(directory, names.Loss), CurveWidth, CurveHeight, written);
        Save(AccuracyPlot(comparison), Path.Combine(directory, names.Accuracy), CurveWidth, CurveHeight, written);
        if (landscape is not null) Save(LandscapePlot(comparison, landscape), Path.Combine(directory, names.Landscape), LandscapeWidth, LandscapeHeight, written);
        return written;
    }

    /// <summary>Writes the sweep's picture into <paramref name="directory"/>; returns its path.</summary>
    public static string Write(SweepResult sweep, string directory)
    {
        var written = new List<string>();
        Save(SweepPlot(sweep), Path.Combine(directory, FileNames(sweep.Data.Name).Sweep), CurveWidth, CurveHeight, written);
        return written[0];
    }

    private static void Save(Plot plot, string path, int width, int height, List<string> written)
    {
        using (plot) plot.SavePng(path, width, height);
        written.Add(path);
    }

    /// <summary>Each step's training loss, log scale: faint, as measured on its batch; bold, averaged over an epoch's steps.</summary>
    public static Plot LossPlot(TrainingComparison comparison)
    {
        var plot = RacePlots.NewPlot();
        int window = comparison.Settings.StepsPerEpoch(comparison.Data.Train.Count);
        for (int i = 0; i < comparison.Runs.Count; i++)
        {
            var run = comparison.Runs[i];
            var losses = run.StepLosses;
            var steps = Enumerable.Range(1, losses.Count).Select(step => (double)step).ToArray();
            var color = RacePlots.RacerColor(i);
            var raw = plot.Add.ScatterLine(steps, losses.Select(Log10).ToArray(), color.WithAlpha(0.25));
            raw.LineWidth = 1;
            var average = plot.Add.ScatterLine(steps, MovingAverage(losses, window).Select(Log10).ToArray(), color);
            average.LineWidth = 2.5f;
            average.LegendText = Label(run);
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = RacePlots.PowerOfTen,
        };
        plot.YLabel("training loss (log scale)");
        plot.XLabel("step");
        plot.Title($"{comparison.Data.Name}: training loss per step, on the step's batch (faint) and averaged over an epoch, {window} steps (bold)\n" +
            TrainTable.Setup(comparison));
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    /// <summary>The test accuracy at every measurement, on a scale of nines (90 %, 99 %, 99.9 % equally spaced), with the target marked.</summary>
    public static Plot AccuracyPlot(TrainingComparison comparison)
    {
        var plot = RacePlots.NewPlot();
        // 100 % is drawn at half an example's error, so a perfect score stays on the plot.
        double floor = 0.5 / comparison.Data.Test.Count;
        double Nines(double accuracy) => -Math.Log10(Math.Max(1 - accuracy, floor));
        double highest = 0;
        for (int i = 0; i < comparison.Runs.Count; i++)
        {
            var run = comparison.Runs[i];
            var points = run.Evaluations.Where(point => double.IsFinite(point.TestAccuracy)).ToArray();
            var line = plot.Add.ScatterLine(points.Select(point => (double)point.Step).ToArray(), points.Select(point => Nines(point.TestAccuracy)).ToArray(), RacePlots.RacerColor(i));
            line.LineWidth = 2;
            line.LegendText = Label(run);
            highest = Math.Max(highest, points.Select(point => Nines(point.TestAccuracy)).DefaultIfEmpty(0).Max());
        }
        double target = comparison.Settings.TargetAccuracy;
        var line95 = plot.Add.HorizontalLine(Nines(target), 1.5f, Colors.Gray, LinePattern.Dashed);
        line95.LegendText = $"target {TrainTable.Percent(target, 0)}";

        double top = Math.Max(highest, Nines(target)) + 0.15;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double accuracy in AccuracyTicks.Where(accuracy => Nines(accuracy) <= top))
            ticks.AddMajor(Nines(accuracy), TrainTable.Percent(accuracy, accuracy >= 0.995 ? 1 : 0).Replace(".0 %", " %"));
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimitsY(0, top);
        plot.YLabel("test accuracy (scale of nines)");
        plot.XLabel("step");
        plot.Title($"{comparison.Data.Name}: accuracy on the {comparison.Data.Test.Count} test examples\n{TrainTable.Setup(comparison)}");
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    /// <summary>The training loss over the plane of the paths, log scale, with every optimizer's path projected on it.</summary>
    public static Plot LandscapePlot(TrainingComparison comparison, LossLandscape landscape)
    {
        var plot = RacePlots.NewPlot();
        var window = landscape.Window;
        var values = (double[,])landscape.Loss.Clone();
        for (int row = 0; row < values.GetLength(0); row++)
            for (int column = 0; column < values.GetLength(1); column++)
                values[row, column] = Log10(values[row, column]);

        var heatmap = plot.Add.Heatmap(values);
        heatmap.Extent = new CoordinateRect(window.XMin, window.XMax, window.YMin, window.YMax);
        heatmap.Colormap = RacePlots.Terrain;
        heatmap.Smooth = true;
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = $"log₁₀(training loss), mean over {landscape.Examples} examples";

        var contours = plot.Add.ContourLines(RacePlots.ContourGrid(values, window), count: 14);
        contours.LineColor = Colors.Black.WithAlpha(0.25);
        contours.LineWidth = 1;
        contours.LabelStyle.IsVisible = false;

        var runs = comparison.Runs.ToList();
        foreach (var path in landscape.Paths)
        {
            var color = RacePlots.RacerColor(runs.IndexOf(path.Run));
            var line = plot.Add.ScatterLine(path.Points.Select(p => p.X).ToArray(), path.Points.Select(p => p.Y).ToArray(), color);
            line.LineWidth = 2;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.MarkerSize = 4;
            line.LegendText = Label(path.Run);
        }
        foreach (var path in landscape.Paths)
        {
            var (x, y) = path.Points[^1];
            var end = plot.Add.Marker(x, y, MarkerShape.FilledSquare, 11, RacePlots.RacerColor(runs.IndexOf(path.Run)));
            end.MarkerLineColor = Colors.Black;
            end.MarkerLineWidth = 1;
        }
        if (landscape.Paths.Count > 0 && landscape.Paths[0].Steps[0] == 0)
        {
            // Every run starts from the same weights (one seed), so one marker shows all the starts.
            var (x, y) = landscape.Paths[0].Points[0];
            var start = plot.Add.Marker(x, y, MarkerShape.FilledCircle, 13, Colors.Black);
            start.MarkerLineColor = Colors.White;
            start.MarkerLineWidth = 2;
            start.LegendText = "start (the same initial weights for all)";
        }
        var center = plot.Add.Marker(0, 0, MarkerShape.OpenCircle, 24, Colors.Black);
        center.MarkerLineWidth = 2.5f;
        center.LegendText = $"origin: {landscape.Center.Entry.Racer.Label}'s final weights, the lowest final loss";
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "where a run ended",
            MarkerShape = MarkerShape.FilledSquare,
            MarkerSize = 11,
            MarkerFillColor = Colors.Gray,
            MarkerLineColor = Colors.Black,
            MarkerLineWidth = 1,
        });

        plot.Axes.SetLimits(window.XMin, window.XMax, window.YMin, window.YMax);
        plot.XLabel($"first principal direction of the paths ({Share(landscape.Shares[0])} of their spread)");
        plot.YLabel($"second principal direction ({Share(landscape.Shares[1])})");
        plot.Title($"{comparison.Data.Name}: training loss of the {comparison.Runs[0].Architecture} on the plane of the optimizers' paths\n" +
            "through the lowest final weights, spanned by the two directions the weights moved most; paths projected on it");
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    /// <summary>Each optimizer's final training loss against its learning rate, both on log scales; runs that diverged marked at the top.</summary>
    public static Plot SweepPlot(SweepResult sweep)
    {
        var plot = RacePlots.NewPlot();
        var finite = sweep.Curves.SelectMany(curve => curve.Points).Select(point => point.Final.Loss).Where(loss => double.IsFinite(loss) && loss > 0).ToArray();
        double top = finite.Length > 0 ? Math.Ceiling(Log10(finite.Max()) + 0.3) : 1;
        bool anyDiverged = false;
        for (int i = 0; i < sweep.Curves.Count; i++)
        {
            var curve = sweep.Curves[i];
            var color = RacePlots.RacerColor(i);
            var ok = curve.Points.Where(point => point.DivergedAtStep is null && double.IsFinite(point.Final.Loss)).ToArray();
            var line = plot.Add.ScatterLine(ok.Select(point => Math.Log10(point.LearningRate)).ToArray(), ok.Select(point => Log10(point.Final.Loss)).ToArray(), color);
            line.LineWidth = 2;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.MarkerSize = 7;
            line.LegendText = curve.Racer.Label;
            foreach (var point in curve.Points.Except(ok))
            {
                plot.Add.Marker(Math.Log10(point.LearningRate), top, MarkerShape.Eks, 12, color);
                anyDiverged = true;
            }
        }
        if (anyDiverged)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "diverged", MarkerShape = MarkerShape.Eks, MarkerSize = 12, MarkerLineColor = Colors.Gray, MarkerFillColor = Colors.Gray });
        }
        var logTicks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = RacePlots.PowerOfTen,
        };
        plot.Axes.Left.TickGenerator = logTicks;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = RacePlots.PowerOfTen,
        };
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("final training loss (log scale)");
        plot.Title($"{sweep.Data.Name}: final training loss against the learning rate — a wide valley is an optimizer robust to its rate\n" +
            TrainTable.Setup(new TrainingComparison(sweep.Data, sweep.Settings, [])));
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    private static string Label(TrainingRun run)
    {
        string label = $"{run.Entry.Racer.Label} (lr {RacePlots.Number(run.Entry.LearningRate)})";
        return run.DivergedAtStep is { } step ? $"{label}, diverged at step {step}" : label;
    }

    private static string Share(double share) => TrainTable.Percent(share, 0);

    /// <summary>log₁₀, with losses at or below 1e-15 drawn at 1e-15 (the race's floor), so a loss of 0 stays on the plot.</summary>
    private static double Log10(double loss) => Math.Log10(Math.Max(loss, RacePlots.LossFloor));

    /// <summary>The mean of each value and up to <paramref name="window"/> − 1 values before it.</summary>
    private static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        var averages = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            averages[i] = sum / Math.Min(i + 1, window);
        }
        return averages;
    }
}
