using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using ScratchOptim.Race;

namespace ScratchOptim.Web;

/// <summary>A race for the page: every racer's path (the coordinates the optimizer produced, float32 widened exactly), its projection onto the map, and its losses.</summary>
internal static class RaceJson
{
    public static string Write(LandscapeRace race, RaceView view, bool withMap) => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("landscape", race.Landscape.Name);
        writer.WriteNumber("steps", race.Settings.Steps);
        writer.Numbers("start", race.Settings.Start);
        if (race.MinimumLoss is { } lowest) writer.Number("minimumLoss", lowest);
        else writer.WriteNull("minimumLoss");
        writer.Number("tolerance", race.Settings.Tolerance);
        if (withMap) WriteMap(writer, view);
        writer.WriteStartArray("runs");
        foreach (var run in race.Runs)
        {
            // Positions row by row (the path's length × the landscape's dimension), the map points as (x, y) pairs.
            var path = new double[run.Path.Count * race.Landscape.Dimension];
            var points = new double[run.Path.Count * 2];
            for (int step = 0; step < run.Path.Count; step++)
            {
                run.Path[step].CopyTo(path, step * race.Landscape.Dimension);
                (points[2 * step], points[2 * step + 1]) = view.Plane.Project(run.Path[step]);
            }
            writer.WriteStartObject();
            writer.WriteString("racer", run.Entry.Racer.Label);
            writer.Number("lr", run.Entry.LearningRate);
            writer.WriteNumber("length", run.Path.Count);
            writer.Float64s("path", path);
            writer.Float64s("points", points);
            writer.Float64s("losses", run.Losses.ToArray());
            WriteOptional(writer, "divergedAtStep", run.DivergedAtStep);
            WriteOptional(writer, "stepsToTolerance", run.StepsToTolerance);
            if (run.DistanceToNearestMinimum is { } distance) writer.Number("distanceToMinimum", distance);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static void WriteMap(Utf8JsonWriter writer, RaceView view)
    {
        writer.WriteStartObject("map");
        writer.WriteString("xLabel", view.Plane.XLabel);
        writer.WriteString("yLabel", view.Plane.YLabel);
        writer.WriteString("description", view.Plane.Description);
        writer.Numbers("window", [view.Window.XMin, view.Window.XMax, view.Window.YMin, view.Window.YMax]);
        writer.WriteNumber("cells", RaceView.Cells);
        writer.Float64s("loss", view.LossGrid());
        writer.WriteStartArray("minima");
        foreach (var minimum in view.Landscape.Minima) Point(writer, view, minimum);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Point(Utf8JsonWriter writer, RaceView view, IReadOnlyList<double> position)
    {
        var (x, y) = view.Plane.Project(position);
        writer.WriteStartArray();
        writer.Number(x);
        writer.Number(y);
        writer.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number) writer.WriteNumber(name, number);
        else writer.WriteNull(name);
    }
}
