using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Playwright;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Web.Tests;

/// <summary>
/// The race the page shows, read from the page: its settings, and every racer's path with each coordinate as the
/// bits of its double (read with a DataView in the page), so nothing on the way can round it. The page hands it over
/// as JSON text, parsed here.
/// </summary>
public sealed record PageRace(string Landscape, int Steps, double[] Start, double? Clip, IReadOnlyList<PageRun> Runs, int RaceCount)
{
    private const string Read = """
        () => {
          const bits = x => { const view = new DataView(new ArrayBuffer(8)); view.setFloat64(0, x); return view.getBigUint64(0).toString(16); };
          const s = window.raceState;
          return JSON.stringify({
            landscape: s.landscape.name, steps: s.steps, start: s.start, clip: s.clip, races: s.races,
            runs: s.race.runs.map((run, i) => ({
              racer: run.racer, lr: Number(run.lr), hyperparameters: s.entries[i].hyperparameters,
              path: run.path.map(position => Array.from(position, bits)),
            })),
          });
        }
        """;

    public static async Task<PageRace> ReadAsync(IPage page)
    {
        using var document = JsonDocument.Parse(await page.EvaluateAsync<string>(Read));
        var json = document.RootElement;
        var runs = json.GetProperty("runs").EnumerateArray().Select(run => new PageRun(
            run.GetProperty("racer").GetString()!,
            run.GetProperty("lr").GetDouble(),
            run.GetProperty("hyperparameters").EnumerateObject()
                .Select(property => new KeyValuePair<string, object>(property.Name,
                    property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? property.Value.GetBoolean() : property.Value.GetDouble()))
                .ToArray(),
            run.GetProperty("path").EnumerateArray()
                .Select(position => position.EnumerateArray().Select(bits => BitConverter.UInt64BitsToDouble(Convert.ToUInt64(bits.GetString(), 16))).ToArray())
                .ToArray())).ToArray();
        var clip = json.GetProperty("clip");
        return new PageRace(
            json.GetProperty("landscape").GetString()!,
            json.GetProperty("steps").GetInt32(),
            json.GetProperty("start").EnumerateArray().Select(coordinate => coordinate.GetDouble()).ToArray(),
            clip.ValueKind == JsonValueKind.Null ? null : clip.GetDouble(),
            runs,
            json.GetProperty("races").GetInt32());
    }

    /// <summary>The same race run by the CLI's engine, natively: the catalogue's racer with the page's settings.</summary>
    public LandscapeRace RunWithCliEngine()
    {
        var landscape = LandscapeCatalog.Find(Landscape) ?? throw new InvalidOperationException($"No landscape {Landscape}.");
        var entries = Runs.Select(run =>
        {
            var racer = RacerCatalog.Find(run.Racer) ?? throw new InvalidOperationException($"The CLI has no racer {run.Racer}.");
            return new RaceEntry(racer with { Settings = [.. racer.Settings, .. run.Hyperparameters] }, run.LearningRate);
        }).ToArray();
        return RaceEngine.Run(landscape, entries, new RaceSettings(Steps, Start, Clip));
    }

    /// <summary>Asserts every racer's every position equals the CLI's to the bit (NaN equals NaN: WebAssembly and x64 give NaN different signs).</summary>
    public void AssertEqualsCliRace()
    {
        var cli = RunWithCliEngine();
        Assert.Equal(Runs.Count, cli.Runs.Count);
        for (int i = 0; i < Runs.Count; i++)
        {
            var page = Runs[i].Path;
            var expected = cli.Runs[i].Path;
            Assert.True(page.Count == expected.Count, $"{Runs[i].Racer}: the page's path has {page.Count} positions, the CLI's {expected.Count}.");
            for (int step = 0; step < expected.Count; step++)
            {
                for (int k = 0; k < expected[step].Length; k++)
                {
                    double a = page[step][k], b = expected[step][k];
                    bool same = double.IsNaN(a) && double.IsNaN(b) || BitConverter.DoubleToUInt64Bits(a) == BitConverter.DoubleToUInt64Bits(b);
                    Assert.True(same, $"{Runs[i].Racer} (lr {Runs[i].LearningRate}) on {Landscape}, step {step}, coordinate {k}: page {a:R}, CLI {b:R}.");
                }
            }
        }
    }
}

public sealed record PageRun(string Racer, double LearningRate, IReadOnlyList<KeyValuePair<string, object>> Hyperparameters, IReadOnlyList<double[]> Path);
