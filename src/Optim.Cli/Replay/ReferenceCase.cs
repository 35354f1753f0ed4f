using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim.Cli.Replay;

/// <summary>
/// One recorded run of a reference optimizer, in the case format of shared/reference/README.md: initial
/// parameters, the gradient fed at each step, the parameters after each step and the final state.
/// </summary>
public sealed class ReferenceCase
{
    private ReferenceCase(string path, JsonObject json)
    {
        Path = path;
        Json = json;
        Name = (string?)json["name"] ?? System.IO.Path.GetFileNameWithoutExtension(path);
        Optimizer = (string?)json["optimizer"] ?? throw Corrupt(path, "no 'optimizer'");
        DType = (string?)json["dtype"] ?? "float32";
        Hyper = json["hyper"] as JsonObject ?? throw Corrupt(path, "no 'hyper' object");
        Shapes = ReadShapes(path, json["shapes"]);
        Param0 = ReadTensors(path, json["param0"], "param0");
        Grads = ReadSteps(path, json["grads"], "grads");
        Params = ReadSteps(path, json["params"], "params");
        FinalState = json["final_state"] as JsonObject ?? new JsonObject();
        Tolerance = json["tolerance"] is JsonObject tolerance
            ? (Number(path, tolerance["rtol"], "tolerance.rtol"), Number(path, tolerance["atol"], "tolerance.atol"))
            : null;
        if (Grads.Count != Params.Count) throw Corrupt(path, $"{Grads.Count} steps of gradients but {Params.Count} of parameters");
        CheckLengths(path, Param0, "param0");
        foreach (var step in Grads) CheckLengths(path, step, "grads");
        foreach (var step in Params) CheckLengths(path, step, "params");
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The whole file, for writing results in the same format.</summary>
    public JsonObject Json { get; }

    public string Name { get; }

    /// <summary>The reference's class name, e.g. <c>"Adam"</c>.</summary>
    public string Optimizer { get; }

    /// <summary><c>"float32"</c> or <c>"float64"</c>.</summary>
    public string DType { get; }

    /// <summary>The constructor keyword arguments of the reference.</summary>
    public JsonObject Hyper { get; }

    public IReadOnlyList<int[]> Shapes { get; }

    public IReadOnlyList<double[]> Param0 { get; }

    /// <summary><c>Grads[step][tensor]</c>.</summary>
    public IReadOnlyList<IReadOnlyList<double[]>> Grads { get; }

    /// <summary><c>Params[step][tensor]</c>: the parameters after each step.</summary>
    public IReadOnlyList<IReadOnlyList<double[]>> Params { get; }

    /// <summary>The state after the last step, by tensor index and PyTorch state name.</summary>
    public JsonObject FinalState { get; }

    /// <summary>The allowed difference where the reference itself is not bit-reproducible; null means bit-exact.</summary>
    public (double Rtol, double Atol)? Tolerance { get; }

    /// <summary>What recorded the case (its <c>reference</c> field), e.g. <c>"torch.optim.Adam, PyTorch 2.14.1+debian"</c>; null when absent.</summary>
    public string? Reference => (string?)Json["reference"];

    /// <summary>The PyTorch release <see cref="Reference"/> names (<c>"1.13"</c>, <c>"2.14.1+debian"</c>), or null when it names none.</summary>
    public string? PyTorchRelease =>
        Reference is { } text && System.Text.RegularExpressions.Regex.Match(text, @"PyTorch (\d+\.\d+[^\s,;()]*)") is { Success: true } match
            ? match.Groups[1].Value
            : null;

    /// <summary>Reads a case file.</summary>
    /// <exception cref="InvalidDataException">The file is not a case of this format; the message says what is wrong.</exception>
    public static ReferenceCase Load(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException exception)
        {
            throw Corrupt(path, "not JSON: " + exception.Message);
        }
        if (node is not JsonObject json) throw Corrupt(path, "not a JSON object");
        try
        {
            return new ReferenceCase(path, json);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException)
        {
            // JsonNode's typed reads throw these for a value of the wrong kind, e.g. a string where a number belongs.
            throw Corrupt(path, "a value has the wrong type: " + exception.Message);
        }
    }

    /// <summary>The constructor arguments as (name, value) pairs, tuples spread as <c>name[i]</c>.</summary>
    public IEnumerable<(string Name, object Value)> HyperArguments()
    {
        foreach (var (key, value) in Hyper)
        {
            switch (value)
            {
                case JsonArray array:
                    for (int i = 0; i < array.Count; i++) yield return ($"{key}[{i}]", Scalar(array[i]));
                    break;
                default:
                    yield return (key, Scalar(value));
                    break;
            }
        }
    }

    private static object Scalar(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => node.GetValue<double>(),
        _ => node?.ToJsonString() ?? "null",
    };

    private static IReadOnlyList<int[]> ReadShapes(string path, JsonNode? node)
    {
        if (node is not JsonArray shapes) throw Corrupt(path, "no 'shapes' list");
        var result = new List<int[]>();
        foreach (var shape in shapes)
        {
            if (shape is not JsonArray dims) throw Corrupt(path, "a shape is not a list");
            var ints = new int[dims.Count];
            for (int i = 0; i < ints.Length; i++)
            {
                ints[i] = dims[i]?.GetValue<int>() ?? throw Corrupt(path, "a shape holds null");
                if (ints[i] < 0) throw Corrupt(path, "a shape has a negative dimension");
            }
            result.Add(ints);
        }
        return result;
    }

    private static IReadOnlyList<IReadOnlyList<double[]>> ReadSteps(string path, JsonNode? node, string field)
    {
        if (node is not JsonArray steps) throw Corrupt(path, $"no '{field}' list");
        var result = new List<IReadOnlyList<double[]>>();
        foreach (var step in steps) result.Add(ReadTensors(path, step, field));
        return result;
    }

    private static IReadOnlyList<double[]> ReadTensors(string path, JsonNode? node, string field)
    {
        if (node is not JsonArray tensors) throw Corrupt(path, $"'{field}' is not a list of tensors");
        var result = new List<double[]>();
        foreach (var tensor in tensors) result.Add(ReadNumbers(path, tensor, field));
        return result;
    }

    internal static double[] ReadNumbers(string path, JsonNode? node, string field)
    {
        if (node is not JsonArray numbers) throw Corrupt(path, $"'{field}' holds something that is not a list of numbers");
        var values = new double[numbers.Count];
        for (int i = 0; i < values.Length; i++) values[i] = Number(path, numbers[i], field);
        return values;
    }

    private static double Number(string path, JsonNode? node, string field) =>
        node?.GetValue<double>() ?? throw Corrupt(path, $"'{field}' holds null where a number belongs");

    /// <summary>Checks that one step's tensors match the shapes, so a replay never meets a buffer of the wrong size.</summary>
    private void CheckLengths(string path, IReadOnlyList<double[]> tensors, string field)
    {
        if (tensors.Count != Shapes.Count) throw Corrupt(path, $"'{field}' has {tensors.Count} tensors where there are {Shapes.Count} shapes");
        for (int t = 0; t < tensors.Count; t++)
        {
            long expected = 1;
            foreach (int dimension in Shapes[t]) expected *= dimension;
            if (tensors[t].Length != expected)
                throw Corrupt(path, $"'{field}' has {tensors[t].Length} values for tensor {t}, whose shape holds {expected}");
        }
    }

    private static InvalidDataException Corrupt(string path, string what) => new($"{path}: {what.TrimEnd('.')}.");
}
