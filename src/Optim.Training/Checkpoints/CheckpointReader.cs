using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ScratchOptim.Training;

/// <summary>
/// A checkpoint being restored, in three phases so that nothing changes unless all of it fits: checking every
/// metadata entry and tensor header against what is restored (each one used exactly once), reading the tensors
/// into new arrays, then applying everything.
/// </summary>
internal sealed class CheckpointReader(SafeTensorsFile file)
{
    private readonly HashSet<string> usedKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> usedTensors = new(StringComparer.Ordinal);
    private readonly List<(string Name, Type Type, Action<Array> Use)> tensors = [];
    private readonly List<(Array Values, Action<Array> Use)> read = [];
    private readonly List<Action> applies = [];

    public bool Has(string key) => file.Metadata.ContainsKey(key);

    /// <summary>An entry's text, without counting it as used.</summary>
    public string Peek(string key) => file.Metadata[key];

    public bool IsUsed(string key) => usedKeys.Contains(key);

    /// <summary>The keys that start with <paramref name="prefix"/>, in the file's order.</summary>
    public List<string> KeysStartingWith(string prefix) =>
        [.. file.Metadata.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal))];

    public string Text(string key)
    {
        if (!file.Metadata.TryGetValue(key, out string? value)) throw Error($"its metadata has no '{key}'");
        usedKeys.Add(key);
        return value;
    }

    public void Expect(string key, string value)
    {
        if (!file.Metadata.TryGetValue(key, out string? actual) || actual != value)
            throw Error($"it is not a ScratchOptim checkpoint: its metadata '{key}' is {(actual is null ? "missing" : $"'{actual}'")}, not '{value}'");
        usedKeys.Add(key);
    }

    public double Number(string key)
    {
        string text = Text(key);
        switch (text)
        {
            case "NaN": return double.NaN;
            case "Infinity": return double.PositiveInfinity;
            case "-Infinity": return double.NegativeInfinity;
        }
        const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(text, Styles, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw Error($"'{key}' is not a number: '{text}'");
    }

    public long Whole(string key, long max)
    {
        string text = Text(key);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value <= max
            ? value
            : throw Error($"'{key}' must be a whole number from 0 to {max}; got '{text}'");
    }

    /// <summary>A hyperparameter's value, of its declared type (the setter checks its range when it is applied).</summary>
    public object? Setting(string key, HyperparameterInfo info)
    {
        string text = Text(key);
        if (info.Type.EndsWith('?') && text == "null") return null;
        switch (info.Type.TrimEnd('?'))
        {
            case "double":
                return Number(key);
            case "int":
                double whole = Number(key);
                return whole == Math.Floor(whole) && whole >= int.MinValue && whole <= int.MaxValue
                    ? (int)whole
                    : throw Error($"'{key}' must be a whole number; got '{text}'");
            case "bool":
                return text switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw Error($"'{key}' must be true or false; got '{text}'"),
                };
            default:
                return info.Values is { } names && names.Contains(text)
                    ? text
                    : throw Error($"'{key}' must be {info.Range}; got '{text}'");
        }
    }

    /// <summary>Plans reading tensor <paramref name="name"/> with a parameter's element type and <paramref name="shape"/>.</summary>
    public void Tensor(string name, Parameter parameter, long[] shape, bool required, Action<Array> use) =>
        Tensor(name, parameter.ElementType == ElementType.Float32 ? typeof(float) : typeof(double), shape, required, use);

    /// <summary>
    /// Plans reading tensor <paramref name="name"/>, which must hold <paramref name="type"/> values of
    /// <paramref name="shape"/>: once read, its values go to <paramref name="use"/>. A missing tensor is an error
    /// when <paramref name="required"/>, otherwise nothing.
    /// </summary>
    public void Tensor(string name, Type type, long[] shape, bool required, Action<Array> use)
    {
        if (file.Find(name) is not { } info)
        {
            if (required) throw Error($"it has no tensor '{name}'");
            return;
        }
        var dtype = type == typeof(float) ? SafeTensorsDType.F32 : SafeTensorsDType.F64;
        if (info.DType != dtype)
            throw Error($"tensor '{name}' holds {info.DType.HeaderName()} values; it must hold {dtype.HeaderName()} ({type.Name}) here");
        if (!info.Shape.SequenceEqual(shape))
            throw Error($"tensor '{name}' has shape {info.ShapeText}; it must have [{string.Join(", ", shape)}] here");
        usedTensors.Add(name);
        tensors.Add((name, type, use));
    }

    /// <summary>Adds a change to make once every tensor has been read and handed over.</summary>
    public void OnApply(Action apply) => applies.Add(apply);

    /// <summary>Everything in the file must belong to something restored: a leftover is a sign of the wrong model or optimizer.</summary>
    public void CheckEverythingUsed()
    {
        foreach (string key in file.Metadata.Keys)
            if (!usedKeys.Contains(key)) throw Error($"metadata '{key}' belongs to nothing in this checkpoint (a parameter, state or scheduler it does not have?)");
        foreach (var tensor in file.Tensors)
            if (!usedTensors.Contains(tensor.Name)) throw Error($"tensor '{tensor.Name}' belongs to nothing in this checkpoint (a parameter or state it does not have?)");
    }

    public void ReadTensors()
    {
        foreach (var (name, type, use) in tensors)
            read.Add((type == typeof(float) ? file.ReadArray<float>(name) : file.ReadArray<double>(name), use));
    }

    public void Apply()
    {
        foreach (var (values, use) in read) use(values);
        foreach (var apply in applies) apply();
    }

    public InvalidDataException Error(string what) => new($"{file.Source}: cannot restore this checkpoint: {what}. Nothing was changed.");
}
