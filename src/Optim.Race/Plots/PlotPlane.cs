using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race.Landscapes;
using ScratchOptim.Race.Numerics;

namespace ScratchOptim.Race.Plots;

/// <summary>
/// The plane a race is drawn in: for a 2-D landscape its own (x, y); for more dimensions the plane through the
/// minimum spanned by the two principal directions of the racers' positions relative to the minimum, i.e. the two
/// directions in which the paths move most. Positions are drawn as their coordinates in that plane.
/// </summary>
public sealed class PlotPlane
{
    private readonly double[] origin;
    private readonly double[][] axes;

    private PlotPlane(double[] origin, double[][] axes, string xLabel, string yLabel, string? description)
    {
        this.origin = origin;
        this.axes = axes;
        XLabel = xLabel;
        YLabel = yLabel;
        Description = description;
    }

    public string XLabel { get; }

    public string YLabel { get; }

    /// <summary>How the plane was chosen, for the title; null for a 2-D landscape, drawn as it is.</summary>
    public string? Description { get; }

    /// <summary>Whether the plot shows the landscape itself rather than a projection.</summary>
    public bool IsExact => Description is null;

    public static PlotPlane For(LandscapeRace race)
    {
        var landscape = race.Landscape;
        int dimension = landscape.Dimension;
        if (dimension == 2) return new PlotPlane([0, 0], [[1, 0], [0, 1]], "x", "y", null);
        if (dimension < 2) throw new ArgumentException($"{landscape.Name} has {dimension} dimension(s); a plot needs two or more.", nameof(race));

        // Relative to the minimum (the start when there is none), every recorded position of every racer.
        var origin = (landscape.Minima.Count > 0 ? landscape.Minima[0] : race.Settings.Start).ToArray();
        var moments = new double[dimension, dimension];
        foreach (var position in race.Runs.SelectMany(run => run.Path).Where(p => p.All(double.IsFinite)))
        {
            for (int i = 0; i < dimension; i++)
                for (int j = 0; j < dimension; j++)
                    moments[i, j] += (position[i] - origin[i]) * (position[j] - origin[j]);
        }
        var (values, vectors) = SymmetricEigen.Decompose(moments);
        double total = values.Sum(value => Math.Max(value, 0));
        string Share(int i) => total > 0 ? $" ({100 * Math.Max(values[i], 0) / total:0.#}% of the spread)" : "";
        string around = landscape.Minima.Count > 0 ? "minimum" : "start";
        string shown = total > 0 ? $" ({100 * (Math.Max(values[0], 0) + Math.Max(values[1], 0)) / total:0.#}% of their spread)" : "";
        return new PlotPlane(origin, [vectors[0], vectors[1]],
            $"first principal direction{Share(0)}", $"second principal direction{Share(1)}",
            $"paths projected on their two principal directions through the {around}{shown}");
    }

    /// <summary>Where <paramref name="position"/> is drawn.</summary>
    public (double X, double Y) Project(IReadOnlyList<double> position)
    {
        double x = 0, y = 0;
        for (int i = 0; i < origin.Length; i++)
        {
            x += (position[i] - origin[i]) * axes[0][i];
            y += (position[i] - origin[i]) * axes[1][i];
        }
        return (x, y);
    }

    /// <summary>The point of the landscape drawn at (<paramref name="x"/>, <paramref name="y"/>) on the plane.</summary>
    public double[] Lift(double x, double y)
    {
        var point = new double[origin.Length];
        for (int i = 0; i < point.Length; i++) point[i] = origin[i] + x * axes[0][i] + y * axes[1][i];
        return point;
    }
}
