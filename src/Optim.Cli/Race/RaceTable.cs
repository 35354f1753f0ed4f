using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Race;
using Spectre.Console;

namespace ScratchOptim.Cli.Race;

/// <summary>Shows a race on one landscape as a heading and a table, one row per racer.</summary>
public static class RaceTable
{
    private const string None = "—";

    public static void Write(IAnsiConsole console, LandscapeRace race)
    {
        var landscape = race.Landscape;
        var settings = race.Settings;
        console.MarkupLineInterpolated(
            $"[bold]{landscape.Name}[/]: {landscape.Formula}, {settings.Steps} steps from {Position(settings.Start)}");

        var table = new Table()
            .AddColumn("optimizer")
            .AddColumn(new TableColumn("lr").RightAligned())
            .AddColumn(new TableColumn("final loss").RightAligned())
            .AddColumn("final position")
            .AddColumn(new TableColumn("distance to minimum").RightAligned())
            .AddColumn(new TableColumn($"steps to {Number(settings.Tolerance)}").RightAligned());
        foreach (var run in race.Runs) table.AddRow(Row(run).Select(cell => new Text(cell)));
        table.Caption(new TableTitle(Markup.Escape(Caption(race))));
        console.Write(table);
        console.WriteLine();
    }

    private static IEnumerable<string> Row(RacerRun run)
    {
        yield return run.Entry.Racer.Label;
        yield return Number(run.Entry.LearningRate);
        if (run.DivergedAtStep is { } step)
        {
            yield return $"diverged at step {step}";
            yield return None;
        }
        else
        {
            yield return Number(run.FinalLoss, 6);
            yield return Position(run.FinalPosition);
        }
        yield return run.DistanceToNearestMinimum is { } distance ? Number(distance) : None;
        yield return run.StepsToTolerance?.ToString(CultureInfo.InvariantCulture) ?? None;
    }

    private static string Caption(LandscapeRace race)
    {
        var parts = new List<string>();
        if (race.MinimumLoss is { } lowest)
        {
            var minima = race.Landscape.Minima.Select(Position);
            parts.Add($"lowest loss {Number(lowest, 6)} at {string.Join(" or ", minima)}");
        }
        else
        {
            parts.Add("no minimum: the loss is unbounded below");
        }
        if (race.Settings.ClipNorm is { } clip) parts.Add($"gradients clipped to norm {Number(clip)}");
        return string.Join("; ", parts);
    }

    private static string Position(IEnumerable<double> coordinates) =>
        "(" + string.Join(", ", coordinates.Select(coordinate => Number(coordinate, 5))) + ")";

    /// <summary>Plain notation for moderate magnitudes, compact scientific notation (<c>1.5e-07</c>) otherwise.</summary>
    internal static string Number(double value, int significantDigits = 3)
    {
        double magnitude = Math.Abs(value);
        string format = value == 0 || (magnitude >= 1e-3 && magnitude < 1e6)
            ? "G" + significantDigits.ToString(CultureInfo.InvariantCulture)
            : "0." + new string('#', significantDigits - 1) + "e+0";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }
}
