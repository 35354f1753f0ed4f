using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Race.Plots;

/// <summary>The part of the plane a paths plot shows.</summary>
public sealed record PlotWindow(double XMin, double XMax, double YMin, double YMax)
{
    /// <summary>
    /// Everything that matters, with a margin: the start, the minima and every position of every racer until it
    /// strays far, i.e. until its loss exceeds ten times the start's (above the lowest loss) or it is three times
    /// farther from the start than the farthest minimum (or than 1, without minima). A run that diverges or escapes
    /// leaves the picture instead of shrinking the others to a dot.
    /// </summary>
    public static PlotWindow For(LandscapeRace race, PlotPlane plane)
    {
        var landscape = race.Landscape;
        var start = plane.Project(race.Settings.Start);
        double startLoss = landscape.Loss(race.Settings.Start.ToArray());
        double reference = race.MinimumLoss ?? startLoss;
        double lossLimit = reference + 10 * Math.Max(startLoss - reference, 1e-12);
        var minima = landscape.Minima.Select(plane.Project).ToArray();
        double reach = 3 * Math.Max(minima.Select(m => Distance(m, start)).DefaultIfEmpty(0).Max(), 1);

        var points = new List<(double X, double Y)> { start };
        points.AddRange(minima);
        foreach (var run in race.Runs)
        {
            for (int step = 0; step < run.Path.Count; step++)
            {
                if (!run.Path[step].All(double.IsFinite) || !(run.Losses[step] <= lossLimit)) break;
                var point = plane.Project(run.Path[step]);
                if (Distance(point, start) > reach) break;
                points.Add(point);
            }
        }

        double xMin = points.Min(p => p.X), xMax = points.Max(p => p.X);
        double yMin = points.Min(p => p.Y), yMax = points.Max(p => p.Y);
        // Neither side shorter than half the other, nor zero: a straight path still gets a map around it.
        double width = Math.Max(xMax - xMin, 1e-9), height = Math.Max(yMax - yMin, 1e-9);
        double side = Math.Max(width, height);
        (xMin, xMax) = Widen(xMin, xMax, Math.Max(width, side / 2));
        (yMin, yMax) = Widen(yMin, yMax, Math.Max(height, side / 2));
        const double margin = 0.12;
        double xPad = margin * (xMax - xMin), yPad = margin * (yMax - yMin);
        return new PlotWindow(xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad);
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    private static (double Min, double Max) Widen(double min, double max, double span)
    {
        double centre = (min + max) / 2;
        return (Math.Min(min, centre - span / 2), Math.Max(max, centre + span / 2));
    }
}
