using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>One Newton–Schulz call recorded from PyTorch 2.14 (tools/reference/make_newton_schulz_goldens.py).</summary>
internal sealed record NewtonSchulzCase(string Name, int Rows, int Cols, string InputDtype, string Precision,
    int Steps, double[] Coefficients, double Eps, double[] Input, double[] Output);

/// <summary>Hyperparameters of torch.optim.Muon, with torch's defaults for the ones a case leaves out.</summary>
internal sealed record MuonHyper(double Lr = 1e-3, double WeightDecay = 0.1, double Momentum = 0.95, bool Nesterov = true,
    double A = 3.4445, double B = -4.775, double C = 2.0315, double Eps = 1e-7, int NsSteps = 5, string? AdjustLrFn = null)
{
    public static MuonHyper From(JsonElement hyper)
    {
        var h = new MuonHyper();
        foreach (JsonProperty property in hyper.EnumerateObject())
        {
            JsonElement v = property.Value;
            h = property.Name switch
            {
                "lr" => h with { Lr = v.GetDouble() },
                "weight_decay" => h with { WeightDecay = v.GetDouble() },
                "momentum" => h with { Momentum = v.GetDouble() },
                "nesterov" => h with { Nesterov = v.GetBoolean() },
                "ns_coefficients" => h with { A = v[0].GetDouble(), B = v[1].GetDouble(), C = v[2].GetDouble() },
                "eps" => h with { Eps = v.GetDouble() },
                "ns_steps" => h with { NsSteps = v.GetInt32() },
                "adjust_lr_fn" => h with { AdjustLrFn = v.ValueKind == JsonValueKind.Null ? null : v.GetString() },
                "foreach" or "differentiable" => h,
                _ => throw new InvalidDataException($"Unknown Muon hyperparameter '{property.Name}'."),
            };
        }

        return h;
    }
}

/// <summary>A torch.optim.Muon run: one 2-D parameter per entry of <see cref="Shapes"/>, parameters after each step.</summary>
internal sealed record MuonRun(string Name, string Dtype, MuonHyper Hyper, int[][] Shapes, double[][] Param0,
    double[][][] Grads, double[][][] Params, double Rtol, double Atol);

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

    /// <summary>Our own torch.optim.Muon runs (one parameter each), with the shared cases' tolerance.</summary>
    public static IReadOnlyList<MuonRun> OwnMuonRuns()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(NewtonSchulzFile));
        return document.RootElement.GetProperty("muon").EnumerateArray().Select(r => new MuonRun(
            r.GetProperty("name").GetString()!, r.GetProperty("dtype").GetString()!, MuonHyper.From(r.GetProperty("hyper")),
            [[r.GetProperty("rows").GetInt32(), r.GetProperty("cols").GetInt32()]],
            [Doubles(r.GetProperty("param0"))],
            r.GetProperty("grads").EnumerateArray().Select(g => new[] { Doubles(g) }).ToArray(),
            r.GetProperty("params").EnumerateArray().Select(p => new[] { Doubles(p) }).ToArray(),
            1e-2, 1e-3)).ToList();
    }

    /// <summary>A case of ../shared/reference/torch2/optim (format: ../shared/reference/README.md).</summary>
    public static MuonRun SharedMuonRun(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        JsonElement root = document.RootElement;
        JsonElement tolerance = root.GetProperty("tolerance");
        return new MuonRun(root.GetProperty("name").GetString()!, root.GetProperty("dtype").GetString()!,
            MuonHyper.From(root.GetProperty("hyper")),
            root.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToArray(),
            Tensors(root.GetProperty("param0")),
            root.GetProperty("grads").EnumerateArray().Select(Tensors).ToArray(),
            root.GetProperty("params").EnumerateArray().Select(Tensors).ToArray(),
            tolerance.GetProperty("rtol").GetDouble(), tolerance.GetProperty("atol").GetDouble());
    }

    private static double[][] Tensors(JsonElement list) => list.EnumerateArray().Select(Doubles).ToArray();

    private static double[] Doubles(JsonElement list) => list.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
