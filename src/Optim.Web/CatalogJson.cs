using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Web;

/// <summary>
/// What the page offers, for its menus and sliders: the landscapes and the racers, each racer with its
/// hyperparameters (their declared ranges and the racer's values) and its update equations, all from the generated
/// documentation, so a new optimizer appears with its own controls and equations without a change here; and the racers
/// left out, with why.
/// </summary>
internal static class CatalogJson
{
    public static string Write(IReadOnlyList<ILandscape> landscapes, PageRacers racers) => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("landscapes");
        foreach (var landscape in landscapes) WriteLandscape(writer, landscape, racers.All);
        writer.WriteEndArray();
        writer.WriteStartArray("racers");
        foreach (var racer in racers.All) WriteRacer(writer, racer);
        writer.WriteEndArray();
        writer.WriteStartArray("refused");
        foreach (var (racer, reason) in racers.Refused)
        {
            writer.WriteStartObject();
            writer.WriteString("label", racer.Label);
            writer.WriteString("reason", reason);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        // How the kernels are scheduled here: Vector<float> is WebAssembly's 128-bit SIMD when the browser has it.
        writer.WriteStartObject("vector");
        writer.WriteBoolean("hardwareAccelerated", Vector.IsHardwareAccelerated);
        writer.WriteNumber("lanes", Vector<float>.Count);
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private static void WriteLandscape(Utf8JsonWriter writer, ILandscape landscape, IReadOnlyList<Racer> racers)
    {
        writer.WriteStartObject();
        writer.WriteString("name", landscape.Name);
        writer.WriteString("formula", landscape.Formula);
        writer.WriteNumber("dimension", landscape.Dimension);
        writer.Numbers("defaultStart", landscape.DefaultStart);
        writer.WriteNumber("defaultSteps", landscape.DefaultSteps);
        // The rate each racer starts with here: tuned for this landscape where the race has one, else its own default.
        writer.WriteStartObject("learningRates");
        foreach (var racer in racers) writer.Number(racer.Label, new RacerSelection(racer, null).For(landscape).LearningRate);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteRacer(Utf8JsonWriter writer, Racer racer)
    {
        var info = racer.Optimizer.Info;
        var values = racer.Create(new Parameter<float>([0f]), null).GroupHyperparameters(0);
        writer.WriteStartObject();
        writer.WriteString("label", racer.Label);
        writer.WriteString("optimizer", info.Name);
        writer.WriteString("summary", info.Summary);
        writer.WriteNumber("year", info.Year);
        writer.WriteString("authors", info.Authors);
        writer.WriteString("paper", info.Paper);
        writer.WriteString("pytorch", info.PyTorch);
        writer.WriteStartArray("hyperparameters");
        foreach (var hyper in info.Hyperparameters)
        {
            writer.WriteStartObject();
            writer.WriteString("name", hyper.Name);
            writer.WriteString("torchName", hyper.TorchName);
            writer.WriteString("type", hyper.Type);
            writer.WriteString("description", hyper.Description);
            writer.WriteString("range", hyper.Range);
            writer.Number("min", hyper.Min);
            writer.WriteBoolean("minExclusive", hyper.MinExclusive);
            writer.Number("max", hyper.Max);
            writer.WriteBoolean("maxExclusive", hyper.MaxExclusive);
            switch (values.Get(hyper.Name))
            {
                case bool flag: writer.WriteBoolean("value", flag); break;
                case int whole: writer.WriteNumber("value", whole); break;
                case double number: writer.Number("value", number); break;
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.Strings("update", info.Update);
        writer.Strings("updateLatex", info.UpdateLatex);
        writer.WriteEndObject();
    }
}
