using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim.Replay;

/// <summary>
/// One recorded run of a reference optimizer, in the case format of shared/reference/README.md: initial
/// parameters, the gradient fed at each step, the parameters after each step and the final state.
/// </summary>
public sealed partial class ReferenceCase
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
        if (Shapes.Count == 0) throw Corrupt(path, "'shapes' lists no tensors");
        Param0 = ReadTensors(path, json["param0"], "param0");
        Grads = ReadSteps(path, json["grads"], "grads");
        Params = ReadSteps(path, json["params"], "params");
        FinalState = ReadFinalState(path, json["final_state"], Shapes.Count);
        Tolerance = json.ContainsKey("tolerance") ? ReadTolerance(path, json["tolerance"]) : null;
        ParamGroups = Hyper.ContainsKey("param_groups") ? ReadParamGroups(path, Hyper["param_groups"], Shapes.Count) : null;
        if (Grads.Count == 0) throw Corrupt(path, "no steps: 'grads' is empty");
        if (Grads.Count != Params.Count) throw Corrupt(path, $"{Grads.Count} steps of gradients but {Params.Count} of parameters");
        CheckLengths(path, Param0, "param0");
        foreach (var step in Grads) CheckLengths(path, step, "grads");
        foreach (var step in Params) CheckLengths(path, step, "params");
        (StepArguments, HessianGrads, EvalParams, FinalGroup, GroupHistory) = ReadProtocol(path, json, Grads.Count);
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The whole file, for writing results in the same format.</summary>
    public JsonObject Json { get; }

    /// <summary>The case's <c>name</c> (else the file's), as written: any text, so sanitize it before building a path from it.</summary>
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

    /// <summary>
    /// The state after the last step, by tensor index and PyTorch state name: an entry for every tensor, each value a
    /// number, a list of numbers or a list of such lists (checked when the case is read).
    /// </summary>
    public JsonObject FinalState { get; }

    /// <summary>
    /// The parameter groups of a case whose optimizer takes <c>param_groups</c> (Muon's, the authors' Muon with auxiliary
    /// Adam): each group's tensors, by index, and its own arguments (tuples spread as in <see cref="HyperArguments"/>);
    /// null for a case of one group. Every tensor is in exactly one group (checked when the case is read).
    /// </summary>
    public IReadOnlyList<(int[] Tensors, IReadOnlyList<(string Name, object? Value)> Arguments)>? ParamGroups { get; }

    /// <summary>The allowed difference where the reference itself is not bit-reproducible; null means bit-exact.</summary>
    public (double Rtol, double Atol)? Tolerance { get; }

    /// <summary>What recorded the case (its <c>reference</c> field), e.g. <c>"torch.optim.Adam, PyTorch 2.14.1+debian"</c>; null when absent.</summary>
    public string? Reference => (string?)Json["reference"];

    /// <summary>The PyTorch release <see cref="Reference"/> names (<c>"1.13"</c>, <c>"2.14.1+debian"</c>), or null when it names none.</summary>
    public string? PyTorchRelease =>
        Reference is { } text && System.Text.RegularExpressions.Regex.Match(text, @"PyTorch (\d+\.\d+[^\s,;()]*)") is { Success: true } match
            ? match.Groups[1].Value
            : null;

    /// <summary>Reads a case file (of at most <see cref="CaseFile.MaxBytes"/>).</summary>
    /// <exception cref="InvalidDataException">The file is not a case of this format, or too large; the message says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static ReferenceCase Load(string path)
    {
        if (CaseFile.Read(path) is not JsonObject json) throw Corrupt(path, "not a JSON object");
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
    public IEnumerable<(string Name, object? Value)> HyperArguments() => Arguments(Hyper, except: "param_groups");

    private static IEnumerable<(string Name, object? Value)> Arguments(JsonObject arguments, string except)
    {
        foreach (var (key, value) in arguments)
        {
            if (key == except) continue;
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

    /// <summary>A keyword argument's value: a bool, a number, null (Python's None) or a string.</summary>
    private static object? Scalar(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => node.GetValue<double>(),
        JsonValueKind.String => node.GetValue<string>(),
        null or JsonValueKind.Null => null,
        _ => node.ToJsonString(),
    };

    private static List<(int[] Tensors, IReadOnlyList<(string Name, object? Value)> Arguments)> ReadParamGroups(string path, JsonNode? node, int tensors)
    {
        if (node is not JsonArray { Count: > 0 } groups) throw Corrupt(path, "'param_groups' is not a list of groups");
        var result = new List<(int[] Tensors, IReadOnlyList<(string Name, object? Value)> Arguments)>();
        var seen = new HashSet<int>();
        foreach (var group in groups)
        {
            if (group is not JsonObject arguments || arguments["params"] is not JsonArray indices || indices.Count == 0)
                throw Corrupt(path, "a parameter group has no 'params' list of tensor indices");
            var members = new int[indices.Count];
            for (int i = 0; i < members.Length; i++)
            {
                members[i] = indices[i]?.GetValue<int>() ?? throw Corrupt(path, "a parameter group lists null");
                if (members[i] < 0 || members[i] >= tensors || !seen.Add(members[i]))
                    throw Corrupt(path, $"tensor {members[i]} is not a tensor of the case, or is in two parameter groups");
            }
            result.Add((members, [.. Arguments(arguments, except: "params")]));
        }
        if (seen.Count != tensors) throw Corrupt(path, "a tensor is in no parameter group");
        return result;
    }

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

    /// <summary>An object with an entry per tensor (<c>"0"</c>, <c>"1"</c>, ...) of state values, so every state the reference recorded is compared.</summary>
    private static JsonObject ReadFinalState(string path, JsonNode? node, int tensors)
    {
        if (node is not JsonObject finalState) throw Corrupt(path, "'final_state' is not an object of per-tensor state");
        foreach (var (key, state) in finalState)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int tensor) || tensor >= tensors || key != tensor.ToString(CultureInfo.InvariantCulture))
                throw Corrupt(path, $"'final_state' has an entry '{key}' that is not the index of one of its {tensors} tensors");
            if (state is not JsonObject values) throw Corrupt(path, $"'final_state.{key}' is not an object of named state values");
            foreach (var (name, value) in values) CheckStateValue(path, value, $"final_state.{key}.{name}", depth: 0);
        }
        for (int t = 0; t < tensors; t++)
        {
            if (!finalState.ContainsKey(t.ToString(CultureInfo.InvariantCulture))) throw Corrupt(path, $"'final_state' has no entry for tensor {t}");
        }
        return finalState;
    }

    /// <summary>A state value is a number (a 0-dim tensor), a list of numbers (a tensor) or a list of tensors.</summary>
    private static void CheckStateValue(string path, JsonNode? value, string field, int depth)
    {
        switch (value)
        {
            case JsonValue number when number.GetValueKind() == JsonValueKind.Number:
                return;
            case JsonArray list when depth < 2:
                foreach (var item in list) CheckStateValue(path, item, field, depth + 1);
                return;
            default:
                throw Corrupt(path, $"'{field}' holds {Describe(value)} where a number or a list of numbers belongs");
        }
    }

    private static (double Rtol, double Atol) ReadTolerance(string path, JsonNode? node)
    {
        if (node is not JsonObject tolerance) throw Corrupt(path, "'tolerance' is not an object with 'rtol' and 'atol'");
        double rtol = Number(path, tolerance["rtol"], "tolerance.rtol");
        double atol = Number(path, tolerance["atol"], "tolerance.atol");
        if (!(rtol >= 0 && atol >= 0 && double.IsFinite(rtol) && double.IsFinite(atol)))
            throw Corrupt(path, $"'tolerance' needs finite, non-negative 'rtol' and 'atol'; it has {rtol} and {atol}");
        return (rtol, atol);
    }

    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        _ => "a list nested too deep",
    };

    /// <summary>Checks that one step's tensors match the shapes, so a replay never meets a buffer of the wrong size.</summary>
    private void CheckLengths(string path, IReadOnlyList<double[]> tensors, string field)
    {
        if (tensors.Count != Shapes.Count) throw Corrupt(path, $"'{field}' has {tensors.Count} tensors where there are {Shapes.Count} shapes");
        for (int t = 0; t < tensors.Count; t++)
        {
            long expected = 1;
            foreach (int dimension in Shapes[t])
            {
                expected *= dimension;
                if (expected > int.MaxValue) throw Corrupt(path, $"the shape of tensor {t} holds more than {int.MaxValue} elements");
            }
            if (tensors[t].Length != expected)
                throw Corrupt(path, $"'{field}' has {tensors[t].Length} values for tensor {t}, whose shape holds {expected}");
        }
    }

    private static InvalidDataException Corrupt(string path, string what) => new($"{path}: {what.TrimEnd('.')}.");
}
