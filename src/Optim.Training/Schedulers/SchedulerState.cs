using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>
/// Writes scheduler state in PyTorch's <c>state_dict()</c> shape: its keys, Python numbers as JSON numbers, and
/// the non-finite floats JSON cannot hold as the strings <c>"inf"</c>, <c>"-inf"</c> and <c>"nan"</c>.
/// </summary>
internal static class StateWriter
{
    public static JsonNode Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value)
        : double.IsNaN(value) ? JsonValue.Create("nan")
        : JsonValue.Create(value > 0 ? "inf" : "-inf");

    public static JsonArray Numbers(IEnumerable<double> values)
    {
        var array = new JsonArray();
        foreach (double value in values) array.Add(Number(value));
        return array;
    }

    public static JsonArray Nulls(int count)
    {
        var array = new JsonArray();
        for (int i = 0; i < count; i++) array.Add(null);
        return array;
    }
}

/// <summary>
/// Reads scheduler state written by <see cref="StateWriter"/> or by PyTorch, checking each value's type and range
/// and that no key is missing or unknown; every problem is an <see cref="InvalidDataException"/> naming the
/// scheduler and the key.
/// </summary>
internal sealed class StateReader
{
    private readonly JsonObject state;
    private readonly string owner;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public StateReader(JsonObject state, string owner)
    {
        ArgumentNullException.ThrowIfNull(state);
        this.state = state;
        this.owner = owner;
    }

    public int Int(string key, int min = int.MinValue)
    {
        double value = Double(key);
        if (value != Math.Floor(value) || value < min || value > int.MaxValue)
            throw Error(key, $"must be a whole number{(min > int.MinValue ? $" of at least {min}" : "")}; got {Format(value)}");
        return (int)value;
    }

    public double Double(string key)
    {
        var node = Node(key);
        if (TryNumber(node, out double value)) return value;
        throw Error(key, $"must be a number; got {Describe(node)}");
    }

    /// <summary>A number that must be finite and not negative (a learning rate, a decay factor, a threshold).</summary>
    public double FiniteNonNegative(string key)
    {
        double value = Double(key);
        if (!ScheduleArguments.IsFiniteNonNegative(value)) throw Error(key, $"must be finite and not negative; got {Format(value)}");
        return value;
    }

    /// <summary>A list of numbers (<paramref name="count"/> of them, or any number when negative) that must all be finite and not negative.</summary>
    public double[] FiniteNonNegatives(string key, int count)
    {
        double[] values = Doubles(key, count);
        for (int i = 0; i < values.Length; i++)
            if (!ScheduleArguments.IsFiniteNonNegative(values[i])) throw Error(key, $"element {i} must be finite and not negative; got {Format(values[i])}");
        return values;
    }

    public double? NullableDouble(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (TryNumber(node, out double value)) return value;
        throw Error(key, $"must be a number or null; got {Describe(node)}");
    }

    public bool Bool(string key)
    {
        var node = Node(key);
        return node?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"must be true or false; got {Describe(node)}"),
        };
    }

    public string String(string key, params string[] allowed)
    {
        var node = Node(key);
        if (node?.GetValueKind() != JsonValueKind.String) throw Error(key, $"must be a string; got {Describe(node)}");
        string value = node.GetValue<string>();
        if (allowed.Length > 0 && Array.IndexOf(allowed, value) < 0)
            throw Error(key, $"must be one of {string.Join(", ", allowed)}; got \"{value}\"");
        return value;
    }

    public double[] Doubles(string key, int count)
    {
        var array = List(key, count);
        var values = new double[array.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (!TryNumber(array[i], out values[i])) throw Error(key, $"element {i} must be a number; got {Describe(array[i])}");
        }
        return values;
    }

    public int[] Ints(string key)
    {
        var array = List(key, -1);
        var values = new int[array.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (!TryNumber(array[i], out double value) || value != Math.Floor(value) || Math.Abs(value) > int.MaxValue)
                throw Error(key, $"element {i} must be a whole number; got {Describe(array[i])}");
            values[i] = (int)value;
        }
        return values;
    }

    /// <summary>A list whose elements must all be null (PyTorch's placeholders for functions it cannot save).</summary>
    public void Nulls(string key, int count)
    {
        var array = List(key, count);
        for (int i = 0; i < array.Count; i++)
            if (array[i] is not null) throw Error(key, $"element {i} must be null (a function's state cannot be restored); got {Describe(array[i])}");
    }

    public JsonObject Object(string key) =>
        Node(key) as JsonObject ?? throw Error(key, $"must be an object; got {Describe(state[key])}");

    public JsonArray List(string key, int count)
    {
        var node = Node(key);
        if (node is not JsonArray array) throw Error(key, $"must be a list; got {Describe(node)}");
        if (count >= 0 && array.Count != count) throw Error(key, $"must have {count} elements, one per parameter group or sub-scheduler; it has {array.Count}");
        return array;
    }

    /// <summary>Accepts <paramref name="key"/> when present (a key older or newer PyTorch versions write) without reading it.</summary>
    public void Optional(string key) => read.Add(key);

    /// <summary>Checks that every key of the state was read.</summary>
    public void End()
    {
        foreach (var (key, _) in state)
            if (!read.Contains(key)) throw new InvalidDataException($"{owner} state: unknown key '{key}' (is it the state of another scheduler?).");
    }

    public InvalidDataException Error(string key, string what) => new($"{owner} state: '{key}' {what}.");

    private JsonNode? Node(string key)
    {
        if (!state.TryGetPropertyValue(key, out var node)) throw new InvalidDataException($"{owner} state: '{key}' is missing.");
        read.Add(key);
        return node;
    }

    private static bool TryNumber(JsonNode? node, out double value)
    {
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                value = ToDouble(node.AsValue());
                return true;
            case JsonValueKind.String:
                switch (node.GetValue<string>())
                {
                    case "inf" or "Infinity": value = double.PositiveInfinity; return true;
                    case "-inf" or "-Infinity": value = double.NegativeInfinity; return true;
                    case "nan" or "NaN": value = double.NaN; return true;
                }
                break;
        }
        value = 0;
        return false;
    }

    /// <summary>A number node as a double, whether it was parsed or built from an int, long or double.</summary>
    internal static double ToDouble(JsonValue value) =>
        value.TryGetValue(out double d) ? d
        : value.TryGetValue(out int i) ? i
        : value.TryGetValue(out long l) ? l
        : value.TryGetValue(out float f) ? f
        : value.GetValue<JsonElement>().GetDouble();

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
