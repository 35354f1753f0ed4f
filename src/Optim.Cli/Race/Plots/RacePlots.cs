using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using ScratchOptim.Race.Plots;

namespace ScratchOptim.Cli.Race.Plots;

/// <summary>
/// Draws a race as two PNG pictures: <c>&lt;landscape&gt;-paths.png</c>, every racer's path over a map of the loss with
/// the minima marked, and <c>&lt;landscape&gt;-loss.png</c>, each racer's distance above the lowest loss per step on a
/// log scale. Rendered headless by ScottPlot (SkiaSharp); the font is DejaVu Sans, which Linux machines have.
/// </summary>
public static class RacePlots
{
    public const int PathsWidth = 1000;
    public const int PathsHeight = 800;
    public const int LossWidth = 1000;
    public const int LossHeight = 600;
    public const string FontName = "DejaVu Sans";

    /// <summary>Losses closer than this to the lowest loss are drawn at it, so a run that reaches the minimum exactly stays on the plot.</summary>
    public const double LossFloor = 1e-15;

    /// <summary>
    /// The most points drawn of one racer's path or loss curve: a longer run is drawn every k-th step, and its last.
    /// At the pictures' size that looks the same, and it keeps drawing fast: a curve of tens of thousands of jagged
    /// segments (a racer hovering around the minimum) takes the rasterizer minutes.
    /// </summary>
    public const int MaxPointsPerRun = 4000;

    /// <summary>The file names written for <paramref name="landscapeName"/>.</summary>
    public static (string Paths, string Loss) FileNames(string landscapeName) => ($"{landscapeName}-paths.png", $"{landscapeName}-loss.png");

    /// <summary>Writes both pictures of <paramref name="race"/> into <paramref name="directory"/> (which must exist); returns their paths.</summary>
    public static IReadOnlyList<string> Write(LandscapeRace race, string directory)
    {
        var (pathsName, lossName) = FileNames(race.Landscape.Name);
        string paths = Path.Combine(directory, pathsName);
        string loss = Path.Combine(directory, lossName);
        using (var plot = PathsPlot(race)) plot.SavePng(paths, PathsWidth, PathsHeight);
        using (var plot = LossPlot(race)) plot.SavePng(loss, LossWidth, LossHeight);
        return [paths, loss];
    }

    public static Plot PathsPlot(LandscapeRace race)
    {
        var landscape = race.Landscape;
        var plane = PlotPlane.For(race);
        var window = PlotWindow.For(race, plane);
        var plot = NewPlot();

        // The map: log10 of the loss above the lowest, so the valleys show as well as the walls; without a minimum
        // (the loss falls without bound) the loss itself.
        const int cells = 240;
        var values = new double[cells, cells];
        for (int row = 0; row < cells; row++)
        {
            double y = window.YMax - (row + 0.5) * (window.YMax - window.YMin) / cells;
            for (int column = 0; column < cells; column++)
            {
                double x = window.XMin + (column + 0.5) * (window.XMax - window.XMin) / cells;
                values[row, column] = landscape.Loss(plane.Lift(x, y));
            }
        }
        if (race.MinimumLoss is { } lowest)
        {
            double highest = values.Cast<double>().Where(double.IsFinite).DefaultIfEmpty(lowest + 1).Max();
            double floor = Math.Max(LossFloor, 1e-6 * (highest - lowest));
            for (int row = 0; row < cells; row++)
                for (int column = 0; column < cells; column++)
                    values[row, column] = Math.Log10(Math.Max(values[row, column] - lowest, floor));
        }

        var heatmap = plot.Add.Heatmap(values);
        heatmap.Extent = new CoordinateRect(window.XMin, window.XMax, window.YMin, window.YMax);
        heatmap.Colormap = Terrain;
        heatmap.Smooth = true;
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = (race.MinimumLoss is null ? "loss" : "log₁₀(loss − lowest loss)") + (plane.IsExact ? "" : " on this plane");

        var contours = plot.Add.ContourLines(ContourGrid(values, window), count: 14);
        contours.LineColor = Colors.Black.WithAlpha(0.25);
        contours.LineWidth = 1;
        contours.LabelStyle.IsVisible = false;

        // Each racer: its path as a line with a marker at every step (dense where it is slow), and a square where it ended.
        for (int i = 0; i < race.Runs.Count; i++)
        {
            var run = race.Runs[i];
            var color = RacerColor(i);
            var points = Drawn(run.Path.Where(p => p.All(double.IsFinite)).ToArray()).Select(p => plane.Project(p)).ToArray();
            var line = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
            line.LineWidth = 2;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.MarkerSize = 4;
            line.LegendText = Label(run);
        }
        for (int i = 0; i < race.Runs.Count; i++)
        {
            var end = race.Runs[i].Path.Last(p => p.All(double.IsFinite));
            var (x, y) = plane.Project(end);
            var final = plot.Add.Marker(x, y, MarkerShape.FilledSquare, 11, RacerColor(i));
            final.MarkerLineColor = Colors.Black;
            final.MarkerLineWidth = 1;
        }

        var (startX, startY) = plane.Project(race.Settings.Start);
        var start = plot.Add.Marker(startX, startY, MarkerShape.FilledCircle, 13, Colors.Black);
        start.MarkerLineColor = Colors.White;
        start.MarkerLineWidth = 2;
        start.LegendText = "start";
        // Rings, drawn last, so the squares of runs that arrived stay visible inside them.
        bool first = true;
        foreach (var minimum in landscape.Minima)
        {
            var (x, y) = plane.Project(minimum);
            var marker = plot.Add.Marker(x, y, MarkerShape.OpenCircle, 24, Colors.Black);
            marker.MarkerLineWidth = 2.5f;
            if (first) marker.LegendText = landscape.Minima.Count == 1 ? "minimum" : "minima";
            first = false;
        }
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
        plot.XLabel(plane.XLabel);
        plot.YLabel(plane.YLabel);
        string title = $"{landscape.Name}: {landscape.Formula}, {race.Settings.Steps} steps from {Position(race.Settings.Start)}";
        if (plane.Description is { } description) title += $"\n{description}";
        plot.Title(title);
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    public static Plot LossPlot(LandscapeRace race)
    {
        var landscape = race.Landscape;
        var plot = NewPlot();
        bool logScale = race.MinimumLoss is not null;

        for (int i = 0; i < race.Runs.Count; i++)
        {
            var run = race.Runs[i];
            var steps = new List<double>();
            var values = new List<double>();
            for (int step = 0; step < run.Losses.Count; step++)
            {
                double loss = run.Losses[step];
                if (!double.IsFinite(loss)) break;
                steps.Add(step);
                // Without a minimum the loss falls without bound: a signed log scale keeps the start and the escape in view.
                values.Add(logScale ? Math.Log10(Math.Max(loss - race.MinimumLoss!.Value, LossFloor)) : Math.Sign(loss) * Math.Log10(1 + Math.Abs(loss)));
            }
            var line = plot.Add.ScatterLine(Drawn(steps).ToArray(), Drawn(values).ToArray(), RacerColor(i));
            line.LineWidth = 2;
            line.LegendText = Label(run);
        }

        if (logScale)
        {
            var tolerance = plot.Add.HorizontalLine(Math.Log10(race.Settings.Tolerance), 1.5f, Colors.Gray, LinePattern.Dashed);
            tolerance.LegendText = $"tolerance {Number(race.Settings.Tolerance)}";
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = PowerOfTen,
            };
            plot.Axes.Left.TickGenerator = ticks;
            plot.YLabel("loss − lowest loss (log scale)");
        }
        else
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                IntegerTicksOnly = true,
                LabelFormatter = exponent => exponent == 0 ? "0" : (exponent < 0 ? "−" : "") + PowerOfTen(Math.Abs(exponent)),
            };
            plot.YLabel("loss (signed log scale)");
        }
        plot.XLabel("step");
        string lowest = race.MinimumLoss is { } minimum ? $"lowest loss {Number(minimum)}" : "no minimum";
        string title = $"{landscape.Name}: {landscape.Formula}, from {Position(race.Settings.Start)}; {lowest}";
        if (logScale) title += "\nflat or jagged tails near the bottom are float32 rounding of the position, not the optimizer";
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The map's colours: slate where the loss is lowest, through sand, to near white on the walls; the racers' colours stand out on all of them.</summary>
    internal static readonly IColormap Terrain = new ScottPlot.Colormaps.CustomInterpolated(
    [
        Color.FromHex("#3b4a6b"), Color.FromHex("#7d8fa8"), Color.FromHex("#c9cfc4"), Color.FromHex("#ece6d3"), Color.FromHex("#fbfaf6"),
    ]);

    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    internal static Color RacerColor(int index) => Palette.GetColor(index);

    internal static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        return plot;
    }

    internal static ScottPlot.Coordinates3d[,] ContourGrid(double[,] values, PlotWindow window)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var grid = new ScottPlot.Coordinates3d[rows, columns];
        for (int row = 0; row < rows; row++)
        {
            double y = window.YMax - (row + 0.5) * (window.YMax - window.YMin) / rows;
            for (int column = 0; column < columns; column++)
            {
                double x = window.XMin + (column + 0.5) * (window.XMax - window.XMin) / columns;
                grid[row, column] = new ScottPlot.Coordinates3d(x, y, values[row, column]);
            }
        }
        return grid;
    }

    /// <summary>At most <see cref="MaxPointsPerRun"/> of <paramref name="points"/>: every k-th from the first, and the last.</summary>
    private static IEnumerable<T> Drawn<T>(IReadOnlyList<T> points)
    {
        if (points.Count <= MaxPointsPerRun) return points;
        int stride = (points.Count + MaxPointsPerRun - 2) / (MaxPointsPerRun - 1); // ceil(n / (max − 1)): max − 1 points at most, then the last
        return Enumerable.Range(0, (points.Count - 1) / stride + 1).Select(k => points[k * stride])
            .Concat((points.Count - 1) % stride == 0 ? [] : [points[^1]]);
    }

    private static string Label(RacerRun run)
    {
        string label = $"{run.Entry.Racer.Label} (lr {Number(run.Entry.LearningRate)})";
        return run.DivergedAtStep is { } step ? $"{label}, diverged at step {step}" : label;
    }

    /// <summary>A tick at 10^k labelled as such, with superscript digits.</summary>
    internal static string PowerOfTen(double exponent)
    {
        const string superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        int k = (int)Math.Round(exponent);
        string digits = string.Concat(Math.Abs(k).ToString(CultureInfo.InvariantCulture).Select(c => superscripts[c - '0']));
        return "10" + (k < 0 ? "⁻" : "") + digits;
    }

    private static string Position(IEnumerable<double> coordinates) =>
        "(" + string.Join(", ", coordinates.Select(c => Number(c))) + ")";

    internal static string Number(double value)
    {
        double magnitude = Math.Abs(value);
        return value == 0 || (magnitude >= 1e-3 && magnitude < 1e5)
            ? value.ToString("G4", CultureInfo.InvariantCulture)
            : value.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }
}
