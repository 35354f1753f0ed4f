using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Cli.Replay;

/// <summary>How a replayed case ended.</summary>
public enum ReplayStatus
{
    /// <summary>Every step's parameters and the final state match the reference (bit for bit unless the case has a tolerance).</summary>
    Passed,

    /// <summary>A value differs; <see cref="ReplayResult.Message"/> says where.</summary>
    Failed,

    /// <summary>Not run: the library has no such optimizer, or the case's dtype is not supported yet.</summary>
    Skipped,
}

/// <summary>The outcome of replaying one case, with the run's own record in the case format.</summary>
public sealed record ReplayResult(ReferenceCase Case, ReplayStatus Status, string Message, JsonObject? Output);

/// <summary>Runs reference cases through the library's optimizers and compares every step with the reference.</summary>
public static class CaseRunner
{
    /// <summary>Replays <paramref name="reference"/>: same initial parameters, same gradients, same number of steps.</summary>
    public static ReplayResult Run(ReferenceCase reference)
    {
        if (reference.DType != "float32")
            return new(reference, ReplayStatus.Skipped, $"dtype {reference.DType} is not supported yet (float32 only)", null);
        var entry = Catalog.Find(reference.Optimizer);
        if (entry is null)
            return new(reference, ReplayStatus.Skipped, $"no optimizer '{reference.Optimizer}' in the library", null);

        var parameters = reference.Shapes
            .Select((shape, t) => new Parameter(reference.Param0[t].Select(x => (float)x).ToArray(), shape, $"tensor{t}"))
            .ToArray();
        var optimizer = entry.Create(parameters);
        var settings = optimizer.GroupHyperparameters(0);
        foreach (var (name, value) in reference.HyperArguments())
        {
            if (KeywordArguments.HasNoEffect(name)) continue;
            try
            {
                settings.Set(name, KeywordArguments.ValueFor(settings, name, value));
            }
            catch (ArgumentException exception)
            {
                return new(reference, ReplayStatus.Failed, exception.Message, null);
            }
        }

        var recorded = new JsonArray();
        string? firstMismatch = null;
        for (int step = 0; step < reference.Grads.Count; step++)
        {
            for (int t = 0; t < parameters.Length; t++)
                parameters[t].Grad = reference.Grads[step][t].Select(x => (float)x).ToArray();
            optimizer.Step();

            var stepValues = new JsonArray();
            for (int t = 0; t < parameters.Length; t++)
            {
                var values = parameters[t].Data.Span;
                stepValues.Add(Numbers(values));
                firstMismatch ??= Compare(reference, values, reference.Params[step][t], $"step {step + 1}, tensor {t}");
            }
            recorded.Add(stepValues);
        }

        var finalState = new JsonObject();
        for (int t = 0; t < parameters.Length; t++)
        {
            var state = new JsonObject();
            if (optimizer.Info.StepState is { } stepName) state[stepName] = (double)optimizer.StepCount(parameters[t]);
            foreach (var info in optimizer.Info.States)
            {
                var buffer = optimizer.State(parameters[t], info.Name);
                if (buffer.IsEmpty) continue;
                state[info.TorchName] = info.PerTensor ? (double)buffer[0] : Numbers(buffer);
            }
            finalState[t.ToString(CultureInfo.InvariantCulture)] = state;
            firstMismatch ??= CompareState(reference, t, state);
        }

        var output = (JsonObject)reference.Json.DeepClone();
        output["reference"] = "ScratchOptim " + typeof(Optimizer).Assembly.GetName().Version + ", " + optimizer.Info.Name;
        output["params"] = recorded;
        output["final_state"] = finalState;
        output.Remove("state_dtypes");
        return firstMismatch is null
            ? new(reference, ReplayStatus.Passed, $"{reference.Grads.Count} steps " + (reference.Tolerance is null ? "bit-exact" : "within tolerance"), output)
            : new(reference, ReplayStatus.Failed, firstMismatch, output);
    }

    private static string? CompareState(ReferenceCase reference, int tensor, JsonObject state)
    {
        if (reference.FinalState[tensor.ToString(CultureInfo.InvariantCulture)] is not JsonObject expected) return null;
        foreach (var (name, value) in expected)
        {
            if (state[name] is not { } actual) return $"final state '{name}' of tensor {tensor} is missing";
            if (value is JsonArray)
            {
                var got = ReferenceCase.ReadNumbers(reference.Path, actual, name).Select(x => (float)x).ToArray();
                if (Compare(reference, got, ReferenceCase.ReadNumbers(reference.Path, value, name), $"final state '{name}' of tensor {tensor}") is { } mismatch)
                    return mismatch;
            }
            else if (value!.GetValue<double>() != actual.GetValue<double>())
            {
                return $"final state '{name}' of tensor {tensor}: got {actual}, expected {value}";
            }
        }
        foreach (var (name, _) in state)
        {
            if (!expected.ContainsKey(name)) return $"final state '{name}' of tensor {tensor} is not in the reference";
        }
        return null;
    }

    private static string? Compare(ReferenceCase reference, ReadOnlySpan<float> actual, double[] expected, string where)
    {
        if (actual.Length != expected.Length) return $"{where}: {actual.Length} values, expected {expected.Length}";
        for (int i = 0; i < actual.Length; i++)
        {
            double got = actual[i];
            double want = expected[i];
            bool equal = reference.Tolerance is { } tolerance
                ? Math.Abs(got - want) <= tolerance.Atol + tolerance.Rtol * Math.Abs(want)
                : got == want; // +0 == -0, as the format asks
            if (!equal)
                return $"{where}, element {i}: got {Format(got)}, expected {Format(want)}";
        }
        return null;
    }

    private static JsonArray Numbers(ReadOnlySpan<float> values)
    {
        var array = new JsonArray();
        foreach (float value in values) array.Add((double)value);
        return array;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
