using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>One Newton–Schulz call recorded from PyTorch 2.14 (tools/reference/make_newton_schulz_goldens.py).</summary>
internal sealed record NewtonSchulzCase(string Name, int Rows, int Cols, string InputDtype, string Precision,
    int Steps, double[] Coefficients, double Eps, double[] Input, double[] Output);

internal static class Goldens
{
    public static string NewtonSchulzFile => Path.Combine(Reference.Goldens, "newton_schulz.json");

    public static IReadOnlyList<NewtonSchulzCase> NewtonSchulzCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(NewtonSchulzFile));
        return document.RootElement.GetProperty("newton_schulz").EnumerateArray().Select(c => new NewtonSchulzCase(
            c.GetProperty("name").GetString()!, c.GetProperty("rows").GetInt32(), c.GetProperty("cols").GetInt32(),
            c.GetProperty("input_dtype").GetString()!, c.GetProperty("precision").GetString()!,
            c.GetProperty("steps").GetInt32(), Doubles(c.GetProperty("coefficients")), c.GetProperty("eps").GetDouble(),
            Doubles(c.GetProperty("input")), Doubles(c.GetProperty("output")))).ToList();
    }

    private static double[] Doubles(JsonElement list) => list.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
