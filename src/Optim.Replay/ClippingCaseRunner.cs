using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text.Json.Nodes;
using ScratchOptim.Training;

namespace ScratchOptim.Replay;

/// <summary>
/// Replays a gradient-clipping case (../shared/reference/torch2/clipping): the same gradients through
/// <see cref="GradientClipping"/>; the clipped gradients (to the bit, signs of zeros included), the total norm,
/// the per-tensor norms, the clip coefficient and the error must all be PyTorch's. A case with a <c>dtypes</c> list
/// (the project's tests/Goldens/training/parameters) clips a model's parameters: float and double mixed, some without a
/// gradient.
/// </summary>
public static class ClippingCaseRunner
{
    public static TrainingReplayResult Run(TrainingCase reference) =>
        reference.Json["dtypes"] is JsonArray
            ? RunOnParameters(reference)
            : reference.Json["dtype"]?.GetValue<string>() switch
            {
                "float32" => Run<float>(reference),
                "float64" => Run<double>(reference),
                var dtype => new(reference, ReplayStatus.Skipped, $"dtype {dtype ?? "(none)"} is not float32 or float64", null),
            };

    /// <summary><c>clip_grad_norm_(model.parameters())</c> and its kin over <see cref="Parameter"/>s of both types.</summary>
    private static TrainingReplayResult RunOnParameters(TrainingCase reference)
    {
        var json = reference.Json;
        var args = (JsonObject)json["args"]!;
        var dtypes = ((JsonArray)json["dtypes"]!).Select(d => d!.GetValue<string>()).ToArray();
        var shapes = ((JsonArray)json["shapes"]!).Select(s => s!.AsArray().Select(d => d!.GetValue<int>()).ToArray()).ToArray();
        var grads = (JsonArray)json["grads"]!;
        if (shapes.Length != dtypes.Length || grads.Count != dtypes.Length)
            return new(reference, ReplayStatus.Failed, $"dtypes, shapes and grads differ in length ({dtypes.Length}, {shapes.Length}, {grads.Count})", null);

        var parameters = new Parameter[dtypes.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            int length = shapes[i].Aggregate(1, (a, b) => checked(a * b));
            double[]? grad = grads[i] is null ? null : CaseNumbers.Numbers(grads[i]);
            switch (dtypes[i])
            {
                case "float32":
                    var single = new Parameter<float>(new float[length], shapes[i], $"p{i}");
                    if (grad is not null) single.Grad = grad.Select(g => (float)g).ToArray();
                    parameters[i] = single;
                    break;
                case "float64":
                    var real = new Parameter<double>(new double[length], shapes[i], $"p{i}");
                    if (grad is not null) real.Grad = grad;
                    parameters[i] = real;
                    break;
                default:
                    return new(reference, ReplayStatus.Skipped, $"dtypes[{i}] {dtypes[i]} is not float32 or float64", null);
            }
        }

        double normType = args["norm_type"] is { } p ? CaseNumbers.Number(p) : 2.0;
        bool errorIfNonfinite = args["error_if_nonfinite"]?.GetValue<bool>() ?? false;
        double? total = null;
        string? error = null;
        try
        {
            switch (reference.Kind)
            {
                case "clip_grad_norm":
                    total = GradientClipping.ClipGradNorm(parameters, CaseNumbers.Number(args["max_norm"]), normType, errorIfNonfinite);
                    break;
                case "get_total_norm":
                    total = GradientClipping.TotalNorm(parameters, normType, errorIfNonfinite);
                    break;
                case "clip_grad_value":
                    GradientClipping.ClipGradValue(parameters, CaseNumbers.Number(args["clip_value"]));
                    break;
                case "clip_grads_with_norm":
                    GradientClipping.ClipGradsWithNorm(parameters, CaseNumbers.Number(args["max_norm"]), CaseNumbers.Number(args["total_norm"]));
                    break;
            }
        }
        catch (NonFiniteNormException exception)
        {
            error = exception.Message;
        }

        var clipped = parameters.Select(parameter => parameter switch
        {
            Parameter<float> { Grad: { } g } => g.ToArray().Select(v => (double)v).ToArray(),
            Parameter<double> { Grad: { } g } => g.ToArray(),
            _ => null,
        }).ToArray();

        string? mismatch = null;
        if (json["clipped"] is JsonArray expectedClipped)
        {
            for (int i = 0; i < clipped.Length && mismatch is null; i++)
            {
                mismatch = (clipped[i], expectedClipped[i]) switch
                {
                    (null, null) => null,
                    (null, _) => $"clipped[{i}]: no gradient, expected one",
                    (_, null) => $"clipped[{i}]: a gradient, expected none",
                    var (got, expected) => CaseNumbers.FirstDifference("clipped", [got], [CaseNumbers.Numbers(expected)], i),
                };
            }
        }
        mismatch ??= CompareScalar("total_norm", total, json["total_norm"]);
        mismatch ??= CompareError(error, json["error"]?.GetValue<string>());

        var output = (JsonObject)json.DeepClone();
        output["reference"] = $"ScratchOptim.Training {typeof(GradientClipping).Assembly.GetName().Version}, GradientClipping on parameters";
        if (json["clipped"] is JsonArray) output["clipped"] = new JsonArray([.. clipped.Select(c => c is null ? null : (JsonNode)CaseNumbers.ToJson(c))]);
        output["total_norm"] = total is { } t ? CaseNumbers.ToJson(t) : null;
        output["error"] = error;

        string types = string.Join(" and ", dtypes.Distinct().Order(StringComparer.Ordinal));
        return mismatch is null
            ? new(reference, ReplayStatus.Passed, $"{types} parameters: bit-exact", output)
            : new(reference, ReplayStatus.Failed, mismatch, output);
    }

    private static TrainingReplayResult Run<T>(TrainingCase reference)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var json = reference.Json;
        var args = (JsonObject)json["args"]!;
        var grads = CaseNumbers.Rows(json["grads"]).Select(g => g.Select(T.CreateTruncating).ToArray()).ToArray();
        var memories = grads.Select(g => new Memory<T>(g)).ToArray();
        double? normType = args["norm_type"] is { } p ? CaseNumbers.Number(p) : null;
        bool errorIfNonfinite = args["error_if_nonfinite"]?.GetValue<bool>() ?? false;

        // torch.linalg.vector_norm of each gradient before clipping, as the reference script recomputes them.
        double[]? perTensor = json.ContainsKey("per_tensor_norms")
            ? grads.Select(g => double.CreateTruncating(GradientClipping.VectorNorm<T>(g, normType ?? 2.0))).ToArray()
            : null;

        T? total = default;
        T? coefficient = default;
        string? error = null;
        try
        {
            switch (reference.Kind)
            {
                case "clip_grad_norm":
                    double maxNorm = CaseNumbers.Number(args["max_norm"]);
                    total = GradientClipping.ClipGradNorm<T>(memories, maxNorm, normType ?? 2.0, errorIfNonfinite);
                    coefficient = GradientClipping.ClipCoefficient(maxNorm, total.Value);
                    break;
                case "get_total_norm":
                    total = GradientClipping.TotalNorm<T>(memories, normType ?? 2.0, errorIfNonfinite);
                    break;
                case "clip_grad_value":
                    GradientClipping.ClipGradValue<T>(memories, CaseNumbers.Number(args["clip_value"]));
                    break;
                case "clip_grads_with_norm":
                    var given = T.CreateTruncating(CaseNumbers.Number(args["total_norm"]));
                    GradientClipping.ClipGradsWithNorm<T>(memories, CaseNumbers.Number(args["max_norm"]), given);
                    coefficient = GradientClipping.ClipCoefficient(CaseNumbers.Number(args["max_norm"]), given);
                    break;
            }
        }
        catch (NonFiniteNormException exception)
        {
            error = exception.Message;
        }

        var clipped = grads.Select(g => g.Select(double.CreateTruncating).ToArray()).ToArray();

        string? mismatch = null;
        if (json["clipped"] is JsonArray expectedClipped)
            mismatch ??= CaseNumbers.FirstDifference("clipped", clipped, CaseNumbers.Rows(expectedClipped));
        mismatch ??= CompareScalar("total_norm", total is { } t ? double.CreateTruncating(t) : null, json["total_norm"]);
        if (json.ContainsKey("clip_coef"))
            mismatch ??= CompareScalar("clip_coef", coefficient is { } c ? double.CreateTruncating(c) : null, json["clip_coef"]);
        else if (coefficient is not null && error is null && reference.Kind != "clip_grads_with_norm")
            mismatch ??= "clip_coef: computed, but the reference has none";
        if (perTensor is not null)
            mismatch ??= CaseNumbers.FirstDifference("per_tensor_norms", [perTensor], [CaseNumbers.Numbers(json["per_tensor_norms"])]);
        mismatch ??= CompareError(error, json["error"]?.GetValue<string>());

        var output = (JsonObject)json.DeepClone();
        output["reference"] = $"ScratchOptim.Training {typeof(GradientClipping).Assembly.GetName().Version}, GradientClipping";
        if (json["clipped"] is JsonArray) output["clipped"] = CaseNumbers.ToJson(clipped);
        output["total_norm"] = total is { } total64 ? CaseNumbers.ToJson(double.CreateTruncating(total64)) : null;
        output["error"] = error;
        if (perTensor is not null) output["per_tensor_norms"] = CaseNumbers.ToJson(perTensor);
        if (json.ContainsKey("clip_coef")) output["clip_coef"] = coefficient is { } c64 ? CaseNumbers.ToJson(double.CreateTruncating(c64)) : null;

        return mismatch is null
            ? new(reference, ReplayStatus.Passed, $"{typeof(T).Name}: bit-exact", output)
            : new(reference, ReplayStatus.Failed, mismatch, output);
    }

    private static string? CompareError(string? got, string? expected) =>
        got == expected ? null : $"error: got {Quoted(got)}, expected {Quoted(expected)}";

    private static string Quoted(string? message) => message is null ? "none" : $"\"{message}\"";

    private static string? CompareScalar(string what, double? got, JsonNode? expected)
    {
        if (expected is null) return got is null ? null : $"{what}: got {CaseNumbers.Format(got.Value)}, expected none";
        double want = CaseNumbers.Number(expected);
        return got is { } value && CaseNumbers.Same(value, want) ? null : $"{what}: got {(got is { } g ? CaseNumbers.Format(g) : "none")}, expected {CaseNumbers.Format(want)}";
    }
}

/// <summary>
/// Replays a parameter-averaging case (the project's averaging goldens): the model's parameters at each update
/// through <see cref="AveragedModel{T}"/>; the averaged parameters after every update must be PyTorch's, to the bit.
/// </summary>
public static class AveragingCaseRunner
{
    public static TrainingReplayResult Run(TrainingCase reference) =>
        reference.Json["dtype"]?.GetValue<string>() switch
        {
            "float32" => Run<float>(reference),
            "float64" => Run<double>(reference),
            var dtype => new(reference, ReplayStatus.Skipped, $"dtype {dtype ?? "(none)"} is not float32 or float64", null),
        };

    private static TrainingReplayResult Run<T>(TrainingCase reference)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var json = reference.Json;
        var updates = ((JsonArray)json["params"]!).Select(CaseNumbers.Rows).ToArray();
        var expected = ((JsonArray)json["averaged"]!).Select(CaseNumbers.Rows).ToArray();
        var model = updates[0].Select(t => new T[t.Length]).ToArray();
        var memories = model.Select(t => new Memory<T>(t)).ToArray();
        var average = json["average"]!.GetValue<string>() == "ema"
            ? AveragedModel<T>.ExponentialMovingAverage(memories, CaseNumbers.Number(json["decay"]))
            : AveragedModel<T>.EqualWeight(memories);

        string? mismatch = null;
        var recorded = new JsonArray();
        for (int u = 0; u < updates.Length; u++)
        {
            for (int t = 0; t < model.Length; t++)
                for (int i = 0; i < model[t].Length; i++) model[t][i] = T.CreateTruncating(updates[u][t][i]);
            average.Update();
            var got = average.Averaged.Select(a => a.Select(double.CreateTruncating).ToArray()).ToArray();
            mismatch ??= CaseNumbers.FirstDifference($"averaged after update {u + 1}", got, expected[u]);
            recorded.Add(CaseNumbers.ToJson(got));
        }
        long expectedCount = json["n_averaged"]!.GetValue<long>();
        if (average.Count != expectedCount) mismatch ??= $"n_averaged: got {average.Count}, expected {expectedCount}";

        var output = (JsonObject)json.DeepClone();
        output["reference"] = $"ScratchOptim.Training {typeof(GradientClipping).Assembly.GetName().Version}, AveragedModel<{typeof(T).Name}>";
        output["averaged"] = recorded;
        output["n_averaged"] = average.Count;
        return mismatch is null
            ? new(reference, ReplayStatus.Passed, $"{updates.Length} updates bit-exact", output)
            : new(reference, ReplayStatus.Failed, mismatch, output);
    }
}
