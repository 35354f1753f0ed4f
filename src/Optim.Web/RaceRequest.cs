using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Web;

/// <summary>
/// A race as the page asks for it:
/// <c>{"landscape":"beale","steps":2000,"start":[1,1],"clip":null,"fitView":true,
///     "racers":[{"racer":"Adam","lr":0.1,"hyperparameters":{"beta1":0.8,"amsgrad":true}}]}</c>.
/// Each racer is the catalogue's racer with the given hyperparameters set after its own settings.
/// </summary>
public sealed record RaceRequest(ILandscape Landscape, IReadOnlyList<RaceEntry> Entries, RaceSettings Settings, bool FitView)
{
    /// <summary>The most steps a race in the page may take: the page computes a race while the user waits.</summary>
    public const int MaxSteps = 100_000;

    /// <exception cref="FormatException">
    /// The request is not of that form, names an unknown landscape or racer, or asks for steps outside 1 to
    /// <see cref="MaxSteps"/>, a start that is not finite or a clip norm that is not a positive number.
    /// </exception>
    public static RaceRequest Parse(string json, PageRacers racers)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string name = root.GetProperty("landscape").GetString() ?? "";
            var landscape = LandscapeCatalog.Find(name, LandscapeCatalog.Vectors)
                ?? throw new FormatException($"Unknown landscape '{name}'; choose from {string.Join(", ", LandscapeCatalog.Vectors.Select(known => known.Name))}.");
            var entries = root.GetProperty("racers").EnumerateArray().Select(racer => Entry(racer, racers)).ToArray();
            int steps = root.GetProperty("steps").GetInt32();
            if (steps < 1 || steps > MaxSteps) throw new FormatException($"Steps must be 1 to {MaxSteps}; got {steps}.");
            var start = root.GetProperty("start").EnumerateArray().Select(Json.ReadNumber).ToArray();
            if (!start.All(double.IsFinite)) throw new FormatException("The start must have finite coordinates.");
            double? clipNorm = root.TryGetProperty("clip", out var clip) && clip.ValueKind != JsonValueKind.Null ? Json.ReadNumber(clip) : null;
            if (clipNorm is { } norm && !(norm > 0 && double.IsFinite(norm))) throw new FormatException($"The clip norm must be a positive number; got {norm}.");
            var settings = new RaceSettings(steps, start, clipNorm);
            bool fitView = root.TryGetProperty("fitView", out var fit) && fit.GetBoolean();
            return new RaceRequest(landscape, entries, settings, fitView);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Not a race request: {exception.Message}", exception);
        }
    }

    private static RaceEntry Entry(JsonElement element, PageRacers racers)
    {
        string label = element.GetProperty("racer").GetString() ?? "";
        var racer = racers.Find(label) ?? throw new FormatException($"Unknown racer '{label}'.");
        var settings = racer.Settings.ToList();
        if (element.TryGetProperty("hyperparameters", out var hyperparameters))
        {
            foreach (var property in hyperparameters.EnumerateObject())
            {
                object value = property.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => Json.ReadNumber(property.Value),
                };
                settings.Add(new(property.Name, value));
            }
        }
        return new RaceEntry(racer with { Settings = settings }, Json.ReadNumber(element.GetProperty("lr")));
    }
}
