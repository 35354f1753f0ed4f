using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim.Replay;

/// <summary>
/// A reference case of a training utility (the <c>kind</c> field of ../shared/reference/torch2/schedulers and
/// clipping, and of the project's averaging goldens): <c>lr_scheduler</c>, <c>clip_grad_norm</c>,
/// <c>clip_grad_value</c>, <c>get_total_norm</c>, <c>clip_grads_with_norm</c> or <c>averaged_model</c>. Optimizer
/// cases have no <c>kind</c>.
/// </summary>
public sealed class TrainingCase
{
    /// <summary>The kinds this runner replays.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        ["lr_scheduler", "clip_grad_norm", "clip_grad_value", "get_total_norm", "clip_grads_with_norm", "averaged_model"];

    private TrainingCase(string path, JsonObject json, string kind)
    {
        Path = path;
        Json = json;
        Kind = kind;
        Name = (string?)json["name"] ?? System.IO.Path.GetFileNameWithoutExtension(path);
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The whole file, for writing results in the same format.</summary>
    public JsonObject Json { get; }

    /// <summary>The case's <c>kind</c>.</summary>
    public string Kind { get; }

    /// <summary>The case's name.</summary>
    public string Name { get; }

    /// <summary>What the case exercises, for the results table: the scheduler class, or the kind.</summary>
    public string Subject => Kind == "lr_scheduler" ? (string?)Json["scheduler"] ?? Kind : Kind;

    /// <summary>Whether <paramref name="path"/> holds a training case (a JSON object with a <c>kind</c>); false for optimizer cases.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or larger than <see cref="CaseFile.MaxBytes"/>.</exception>
    public static bool IsTrainingCase(string path) => KindOf(path) is not null;

    /// <summary>Reads a training case.</summary>
    /// <exception cref="InvalidDataException">The file is not a case of a known kind; the message says what is wrong.</exception>
    public static TrainingCase Load(string path)
    {
        var json = ReadObject(path);
        if (json["kind"]?.GetValueKind() != JsonValueKind.String) throw Corrupt(path, "no 'kind'");
        string kind = json["kind"]!.GetValue<string>();
        if (!Kinds.Contains(kind)) throw Corrupt(path, $"unknown kind \"{kind}\" (known: {string.Join(", ", Kinds)})");
        return new TrainingCase(path, json, kind);
    }

    private static string? KindOf(string path) =>
        ReadObject(path)["kind"] is { } kind && kind.GetValueKind() == JsonValueKind.String ? kind.GetValue<string>() : null;

    private static JsonObject ReadObject(string path) => CaseFile.Read(path) as JsonObject ?? throw Corrupt(path, "not a JSON object");

    internal static InvalidDataException Corrupt(string path, string what) => new($"{path}: {what.TrimEnd('.')}.");
}

/// <summary>The outcome of replaying one training case, with the run's own record in the case format.</summary>
public sealed record TrainingReplayResult(TrainingCase Case, ReplayStatus Status, string Message, JsonObject? Output);

/// <summary>Runs training cases: dispatches on <see cref="TrainingCase.Kind"/>.</summary>
public static class TrainingCaseRunner
{
    /// <summary>Replays <paramref name="reference"/> and compares every recorded value.</summary>
    /// <exception cref="InvalidDataException">A part of the case a run reads is malformed.</exception>
    public static TrainingReplayResult Run(TrainingCase reference)
    {
        try
        {
            return reference.Kind switch
            {
                "lr_scheduler" => SchedulerCaseRunner.Run(reference),
                "averaged_model" => AveragingCaseRunner.Run(reference),
                _ => ClippingCaseRunner.Run(reference),
            };
        }
        catch (Exception exception) when (exception is FormatException or KeyNotFoundException or NullReferenceException or InvalidCastException)
        {
            throw TrainingCase.Corrupt(reference.Path, "a value is missing or has the wrong type: " + exception.Message);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // The library refused what the reference did (e.g. a learning rate outside the optimizer's range).
            return new(reference, ReplayStatus.Failed, $"{exception.GetType().Name}: {exception.Message}", null);
        }
    }
}

/// <summary>Reading and comparing the numbers of training cases: doubles, with <c>"inf"</c>, <c>"-inf"</c>, <c>"nan"</c> for the non-finite.</summary>
internal static class CaseNumbers
{
    public static double Number(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.AsValue() is var value && value.TryGetValue(out double d) ? d
            : value.TryGetValue(out int i) ? i
            : value.TryGetValue(out long l) ? l
            : value.GetValue<JsonElement>().GetDouble(),
        JsonValueKind.String => node.GetValue<string>() switch
        {
            "inf" or "Infinity" => double.PositiveInfinity,
            "-inf" or "-Infinity" => double.NegativeInfinity,
            "nan" or "NaN" => double.NaN,
            var text => throw new FormatException($"\"{text}\" is not a number"),
        },
        _ => throw new FormatException($"{node?.ToJsonString() ?? "null"} is not a number"),
    };

    public static double[] Numbers(JsonNode? node) =>
        node is JsonArray array ? array.Select(Number).ToArray() : throw new FormatException($"{node?.ToJsonString() ?? "null"} is not a list of numbers");

    public static double[][] Rows(JsonNode? node) =>
        node is JsonArray array ? array.Select(Numbers).ToArray() : throw new FormatException($"{node?.ToJsonString() ?? "null"} is not a list of lists");

    public static JsonNode ToJson(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value)
        : JsonValue.Create(double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");

    public static JsonArray ToJson(IEnumerable<double> values) => new([.. values.Select(ToJson)]);

    public static JsonArray ToJson(IEnumerable<IEnumerable<double>> rows) => new([.. rows.Select(row => (JsonNode)ToJson(row))]);

    /// <summary>Bit-for-bit equality (a NaN equals a NaN; +0 and −0 differ).</summary>
    public static bool Same(double a, double b) =>
        BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    /// <summary>The first difference between two lists of rows, or null.</summary>
    public static string? FirstDifference(string what, IReadOnlyList<double[]> got, IReadOnlyList<double[]> expected, int firstIndex = 0)
    {
        if (got.Count != expected.Count) return $"{what}: {got.Count} rows, expected {expected.Count}";
        for (int i = 0; i < got.Count; i++)
        {
            if (got[i].Length != expected[i].Length) return $"{what}[{i + firstIndex}]: {got[i].Length} values, expected {expected[i].Length}";
            for (int j = 0; j < got[i].Length; j++)
                if (!Same(got[i][j], expected[i][j]))
                    return $"{what}[{i + firstIndex}][{j}]: got {Format(got[i][j])}, expected {Format(expected[i][j])}";
        }
        return null;
    }

    /// <summary>The first difference between two JSON values compared as PyTorch state: numbers by value (12 equals 12.0), the rest exactly.</summary>
    public static string? FirstDifference(string where, JsonNode? got, JsonNode? expected)
    {
        bool gotNumber = IsNumber(got), expectedNumber = IsNumber(expected);
        if (gotNumber || expectedNumber)
        {
            if (gotNumber && expectedNumber && Same(Number(got), Number(expected))) return null;
            return $"{where}: got {got?.ToJsonString() ?? "null"}, expected {expected?.ToJsonString() ?? "null"}";
        }
        switch (expected)
        {
            case null:
                return got is null ? null : $"{where}: got {got.ToJsonString()}, expected null";
            case JsonObject expectedObject:
                if (got is not JsonObject gotObject) return $"{where}: got {got?.ToJsonString() ?? "null"}, expected an object";
                foreach (var (key, value) in expectedObject)
                {
                    if (!gotObject.ContainsKey(key)) return $"{where}.{key} is missing";
                    if (FirstDifference($"{where}.{key}", gotObject[key], value) is { } difference) return difference;
                }
                foreach (var (key, _) in gotObject)
                    if (!expectedObject.ContainsKey(key)) return $"{where}.{key} is not in the reference";
                return null;
            case JsonArray expectedArray:
                if (got is not JsonArray gotArray || gotArray.Count != expectedArray.Count)
                    return $"{where}: got {got?.ToJsonString() ?? "null"}, expected {expectedArray.Count} elements";
                for (int i = 0; i < expectedArray.Count; i++)
                    if (FirstDifference($"{where}[{i}]", gotArray[i], expectedArray[i]) is { } difference) return difference;
                return null;
            default:
                return JsonNode.DeepEquals(got, expected) ? null : $"{where}: got {got?.ToJsonString() ?? "null"}, expected {expected.ToJsonString()}";
        }
    }

    private static bool IsNumber(JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.Number
        || (node?.GetValueKind() == JsonValueKind.String && node.GetValue<string>() is "inf" or "-inf" or "nan");

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
