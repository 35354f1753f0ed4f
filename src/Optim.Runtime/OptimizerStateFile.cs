using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim;

/// <summary>
/// Saving and restoring an optimizer (PyTorch's <c>state_dict</c> / <c>load_state_dict</c>) as readable JSON: every
/// group's hyperparameters and group state, and every parameter's step count and state. Loading checks the whole file
/// against this optimizer first and changes nothing unless all of it fits.
/// </summary>
/// <remarks>
/// The JSON export is for small states and for reading: 20 to 40 bytes per value, written as it goes, parsed whole
/// when loaded, and bounded: a state of at most <see cref="JsonStateMaxValues"/> values is saved, a file of at most
/// <see cref="JsonStateMaxBytes"/> bytes is loaded (the first bound keeps every saved file under the second).
/// Numbers are written as the shortest decimal that reads back to the same double; the values JSON has no number for
/// as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>. For checkpoints of real models use
/// <c>ScratchOptim.Training.Checkpoint</c> (safetensors: the raw bytes, parameters included, no bound).
/// </remarks>
public abstract partial class Optimizer
{
    private const string StateFormat = "scratchoptim-state/1";

    /// <summary>The most state values (over every parameter and state) <see cref="SaveState(Stream)"/> writes as JSON.</summary>
    public const int JsonStateMaxValues = 1 << 24;

    /// <summary>The largest JSON state file <see cref="LoadState(Stream)"/> reads (at most 40 bytes per value, with room to spare).</summary>
    public const int JsonStateMaxBytes = 1 << 30;

    /// <summary>Flush the JSON writer to the stream every this many bytes, so a large state needs no large buffer.</summary>
    private const int StateFlushBytes = 1 << 20;

    /// <summary>
    /// Writes the hyperparameters of every group and the state of every parameter to <paramref name="path"/>
    /// atomically (<see cref="AtomicFile"/>): whatever fails, the file that was there before stays whole.
    /// </summary>
    public void SaveState(string path) => AtomicFile.Write(path, SaveState);

    /// <summary>Writes the hyperparameters of every group and the state of every parameter to <paramref name="stream"/>.</summary>
    /// <remarks>NaN and infinite values are written as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.</remarks>
    /// <exception cref="InvalidOperationException">
    /// The state has more than <see cref="JsonStateMaxValues"/> values, or another thread is stepping, loading or
    /// saving this optimizer; nothing was written.
    /// </exception>
    public void SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Enter(nameof(SaveState));
        try
        {
            long values = StateValueCount();
            if (values > JsonStateMaxValues)
            {
                throw new InvalidOperationException(
                    $"{Info.Name}: the state holds {values} values; the JSON export takes at most {JsonStateMaxValues}. Save a ScratchOptim.Training.Checkpoint instead (binary, no bound). Nothing was written.");
            }
            WriteState(stream);
        }
        finally
        {
            Exit();
        }
    }

    private long StateValueCount()
    {
        long count = 0;
        for (int g = 0; g < GroupCount; g++)
        {
            var groupState = GroupStateOf(g);
            for (int i = 0; i < Info.States.Count; i++) count += groupState.Peek(i)?.Length ?? 0;
            foreach (var parameter in GroupParameters(g))
            {
                var parameterState = StateOf(parameter);
                for (int i = 0; i < Info.States.Count; i++) count += parameterState.Peek(i)?.Length ?? 0;
            }
        }
        return count;
    }

    private void WriteState(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", StateFormat);
        json.WriteString("optimizer", Info.Name);
        json.WriteStartArray("groups");
        for (int g = 0; g < GroupCount; g++)
        {
            json.WriteStartObject();
            json.WriteStartObject("hyperparameters");
            var settings = GroupHyperparameters(g);
            foreach (var info in Info.Hyperparameters)
            {
                json.WritePropertyName(info.Name);
                WriteSetting(json, settings.Get(info.Name));
            }
            json.WriteEndObject();

            if (HasGroupState)
            {
                // One number per group state, as the reference keeps it in param_groups (Prodigy's d, d_max, ...).
                json.WriteStartObject("state");
                var stored = GroupStateOf(g);
                for (int i = 0; i < Info.States.Count; i++)
                {
                    if (Info.States[i].Layout != StateLayout.Group) continue;
                    switch (stored.Peek(i))
                    {
                        case float[] floats:
                            json.WritePropertyName(Info.States[i].TorchName);
                            WriteNumber(json, floats[0], flush: false);
                            break;
                        case double[] doubles:
                            json.WritePropertyName(Info.States[i].TorchName);
                            WriteNumber(json, doubles[0], flush: false);
                            break;
                    }
                }
                json.WriteEndObject();
            }

            json.WriteStartArray("parameters");
            foreach (var parameter in GroupParameters(g))
            {
                var parameterState = StateOf(parameter);
                json.WriteStartObject();
                json.WriteString("name", parameter.Name);
                json.WriteNumber("length", parameter.Length);
                json.WriteNumber("step", parameterState.Step);
                json.WriteStartObject("state");
                for (int i = 0; i < Info.States.Count; i++)
                {
                    if (Info.States[i].Layout == StateLayout.Group) continue;
                    var buffer = parameterState.Peek(i);
                    if (buffer?.ValueType == typeof(float))
                    {
                        json.WriteStartArray(Info.States[i].TorchName);
                        foreach (float value in buffer.As<float>()) WriteNumber(json, value, flush: true);
                        json.WriteEndArray();
                    }
                    else if (buffer?.ValueType == typeof(double))
                    {
                        json.WriteStartArray(Info.States[i].TorchName);
                        foreach (double value in buffer.As<double>()) WriteNumber(json, value, flush: true);
                        json.WriteEndArray();
                    }
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Restores what <see cref="SaveState(string)"/> wrote to <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file does not fit this optimizer (see <see cref="LoadState(Stream)"/>); nothing has been changed.</exception>
    public void LoadState(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        LoadState(stream);
    }

    /// <summary>
    /// Restores what <see cref="SaveState(Stream)"/> wrote: hyperparameters, step counts and state. Groups are matched
    /// by position; within a group, a named parameter takes the entry saved under its name (so a file saved for
    /// <c>[w, v]</c> loads into <c>[v, w]</c>), an unnamed one the unnamed entry at its position. The file must come
    /// from an optimizer of the same kind over parameters of the same lengths.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a state file of this optimizer, or something in it does not fit (the message says what and
    /// where): larger than <see cref="JsonStateMaxBytes"/>, not UTF-8, not JSON, a key twice in one object, a field of
    /// the wrong type, a number out of range. Nothing has been changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer; nothing has been changed.</exception>
    public void LoadState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Enter(nameof(LoadState));
        try
        {
            ReadState(stream);
        }
        finally
        {
            Exit();
        }
    }

    private void ReadState(Stream stream)
    {
        byte[] bytes = ReadAll(stream);
        try
        {
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(bytes);
        }
        catch (DecoderFallbackException exception)
        {
            throw Corrupt($"the file is not valid UTF-8 (at byte {exception.Index})");
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(bytes);
        }
        catch (JsonException exception)
        {
            throw Corrupt("the file is not JSON: " + exception.Message);
        }
        using var document = parsed;
        CheckUniqueKeys(document.RootElement, "the file");
        var root = document.RootElement.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(document.RootElement)!
            : throw Corrupt("the file is not a JSON object");

        if (Text(root["format"]) != StateFormat) throw Corrupt($"'format' is not \"{StateFormat}\"");
        if (Text(root["optimizer"]) != Info.Name)
            throw Corrupt($"it holds the state of '{Text(root["optimizer"]) ?? root["optimizer"]?.ToJsonString()}', not of {Info.Name}");
        if (root["groups"] is not JsonArray groups || groups.Count != GroupCount)
            throw Corrupt($"it has {(root["groups"] as JsonArray)?.Count ?? 0} parameter groups; this optimizer has {GroupCount}");

        // Check everything and build the new values first; apply only when the whole file fits.
        var updates = new List<Action>();
        for (int g = 0; g < GroupCount; g++)
        {
            var group = groups[g] as JsonObject ?? throw Corrupt($"group {g} is not an object");
            updates.AddRange(ReadHyperparameters(group, g));
            updates.AddRange(ReadGroupState(group, g));
            updates.AddRange(ReadParameterStates(group, g));
        }
        foreach (var update in updates) update();
        // Group state that spans every group is the first group's, as a step reads it: every group holds a copy.
        if (Info.AcrossGroups) ShareGroupState();
    }

    private List<Action> ReadHyperparameters(JsonObject group, int g)
    {
        if (group["hyperparameters"] is not JsonObject hyper) throw Corrupt($"group {g} has no 'hyperparameters' object");
        var trial = GroupHyperparameters(g).Copy();
        var updates = new List<Action>();
        foreach (var (name, node) in hyper)
        {
            object? value = node?.GetValueKind() switch
            {
                null or JsonValueKind.Null => null,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => node.GetValue<double>(),
                // A double saved as "NaN" or "±Infinity" comes back as that double (for its range to judge); any
                // other name is for an enum setting.
                JsonValueKind.String when IsDouble(name) && NamedNumber(node.GetValue<string>()) is { } number => number,
                JsonValueKind.String => node.GetValue<string>(),
                _ => throw Corrupt($"group {g}: hyperparameter '{name}' is not a number, a boolean, a name or null"),
            };
            try
            {
                trial.Set(name, value);
            }
            catch (ArgumentException exception)
            {
                throw Corrupt($"group {g}: {ExceptionText.Reason(exception).TrimEnd('.')}");
            }
            var settings = GroupHyperparameters(g);
            updates.Add(() => settings.Set(name, value));
        }
        return updates;
    }

    private bool HasGroupState
    {
        get
        {
            foreach (var state in Info.States)
                if (state.Layout == StateLayout.Group) return true;
            return false;
        }
    }

    /// <summary>The group's state: each named one a number; one the file does not have starts afresh on the next step.</summary>
    private List<Action> ReadGroupState(JsonObject group, int g)
    {
        var updates = new List<Action>();
        if (!HasGroupState) return updates;
        if (group["state"] is not (null or JsonObject)) throw Corrupt($"group {g}: 'state' is not an object of group state");
        var values = new Array?[Info.States.Count];
        foreach (var (name, node) in group["state"] as JsonObject ?? [])
        {
            int index = StateIndexOrMinusOne(name);
            if (index < 0 || Info.States[index].Layout != StateLayout.Group) throw Corrupt($"group {g}: {Info.Name} has no group state '{name}'");
            if (values[index] is not null) throw Corrupt($"group {g}: group state '{name}' is saved twice (under its declared and its PyTorch name)");
            try
            {
                values[index] = GroupStateValues(Info.States[index], StateNumber(node, $"group {g}: group state '{name}'"), $"group {g}: group state '{name}'");
            }
            catch (ArgumentException exception)
            {
                throw Corrupt(ExceptionText.Reason(exception).TrimEnd('.'));
            }
        }
        var stored = GroupStateOf(g);
        updates.Add(() =>
        {
            for (int i = 0; i < values.Length; i++)
                if (Info.States[i].Layout == StateLayout.Group) stored.Replace(i, values[i]);
        });
        return updates;
    }

    private List<Action> ReadParameterStates(JsonObject group, int g)
    {
        var parameters = GroupParameters(g);
        if (group["parameters"] is not JsonArray saved || saved.Count != parameters.Count)
            throw Corrupt($"group {g} has {(group["parameters"] as JsonArray)?.Count ?? 0} parameters; this optimizer's group has {parameters.Count}");

        var entries = new JsonObject[saved.Count];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int e = 0; e < saved.Count; e++)
        {
            entries[e] = saved[e] as JsonObject ?? throw Corrupt($"group {g}, entry {e} is not an object");
            var name = entries[e]["name"];
            if (name is null) continue;
            if (name.GetValueKind() != JsonValueKind.String) throw Corrupt($"group {g}, entry {e}: 'name' is not a string or null");
            if (!byName.TryAdd(name.GetValue<string>(), e)) throw Corrupt($"group {g} has two entries named '{name.GetValue<string>()}'");
        }

        var updates = new List<Action>();
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            string where = $"group {g}, parameter {p} ('{parameter}')";
            var entry = EntryFor(parameter, p, entries, byName, where);
            if (entry["length"]?.GetValueKind() != JsonValueKind.Number || entry["length"]!.GetValue<double>() != parameter.Length)
                throw Corrupt($"{where}: it was saved with {entry["length"]?.ToJsonString() ?? "no"} elements; the parameter has {parameter.Length}");
            if (entry["step"]?.GetValueKind() != JsonValueKind.Number || entry["step"]!.GetValue<double>() is var step && (step < 0 || step > int.MaxValue || step != Math.Floor(step)))
                throw Corrupt($"{where}: 'step' must be a whole number of steps, from 0 to {int.MaxValue}; got {entry["step"]?.ToJsonString() ?? "nothing"}");
            if (entry["state"] is not JsonObject stateNode) throw Corrupt($"{where} has no 'state' object");

            var buffers = new Array?[Info.States.Count];
            foreach (var (name, node) in stateNode)
            {
                int index = StateIndexOrMinusOne(name);
                if (index < 0) throw Corrupt($"{where}: {Info.Name} has no state '{name}'");
                if (Info.States[index].Layout == StateLayout.Group) throw Corrupt($"{where}: state '{name}' is kept per parameter group, not per parameter");
                if (buffers[index] is not null) throw Corrupt($"{where}: state '{name}' is saved twice (under its declared and its PyTorch name)");
                var info = Info.States[index];
                long needed = info.LengthFor(parameter);
                if (node is not JsonArray values || values.Count != needed)
                    throw Corrupt($"{where}: state '{name}' has {(node as JsonArray)?.Count.ToString(CultureInfo.InvariantCulture) ?? "no list of"} values; it needs {needed}");
                int expected = values.Count;
                bool single = info.ValueTypeFor(parameter.ElementType) == typeof(float);
                var read = new double[expected];
                for (int i = 0; i < expected; i++)
                {
                    read[i] = StateNumber(values[i], $"{where}: state '{name}', element {i}");
                    if (single && float.IsInfinity((float)read[i]) && double.IsFinite(read[i]))
                        throw Corrupt($"{where}: state '{name}', element {i} is {read[i].ToString("R", CultureInfo.InvariantCulture)}, beyond the range of its float32 values");
                }
                buffers[index] = single ? Array.ConvertAll(read, value => (float)value) : read;
            }

            var parameterState = StateOf(parameter);
            int stepCount = (int)entry["step"]!.GetValue<double>();
            updates.Add(() =>
            {
                for (int i = 0; i < buffers.Length; i++) parameterState.Replace(i, buffers[i]);
                parameterState.Step = stepCount;
            });
        }
        return updates;
    }

    /// <summary>The entry of a named parameter is the one saved under its name; an unnamed one takes the unnamed entry at its position.</summary>
    private JsonObject EntryFor(Parameter parameter, int position, JsonObject[] entries, Dictionary<string, int> byName, string where)
    {
        if (parameter.Name is { } name)
            return byName.TryGetValue(name, out int e) ? entries[e] : throw Corrupt($"{where}: the group has no entry named '{name}'");
        if (entries[position]["name"] is { } other)
            throw Corrupt($"{where}: the parameter has no name, and the entry at its position is named {other.ToJsonString()}");
        return entries[position];
    }

    /// <summary>A state value: a number a double holds, or one of the names <see cref="SaveState(Stream)"/> writes for NaN and ±∞.</summary>
    private double StateNumber(JsonNode? node, string where)
    {
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                double value = node.GetValue<double>();
                return double.IsFinite(value) ? value : throw Corrupt($"{where} is {node.ToJsonString()}, beyond the range of a double");
            case JsonValueKind.String when NamedNumber(node.GetValue<string>()) is { } named:
                return named;
            default:
                throw Corrupt($"{where} is not a number (nor \"NaN\", \"Infinity\" or \"-Infinity\"): {node?.ToJsonString() ?? "null"}");
        }
    }

    private static double? NamedNumber(string name) => name switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    private bool IsDouble(string hyperparameter)
    {
        foreach (var info in Info.Hyperparameters)
            if (info.Name == hyperparameter || info.TorchName == hyperparameter) return info.Type is "double" or "double?";
        return false;
    }

    /// <summary>A string node's text, or null for anything else.</summary>
    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    /// <summary>JSON allows an object to repeat a key, and which value wins is up to the reader: a state file must not.</summary>
    private void CheckUniqueKeys(JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Corrupt($"{where} has the key '{property.Name}' twice");
                CheckUniqueKeys(property.Value, $"{(where == "the file" ? "" : where + ".")}{property.Name}");
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array) CheckUniqueKeys(item, $"{where}[{i}]");
                i++;
            }
        }
    }

    /// <summary>The rest of <paramref name="stream"/>, refused once it passes <see cref="JsonStateMaxBytes"/> (an endless stream ends too).</summary>
    private byte[] ReadAll(Stream stream)
    {
        string tooLarge = $"it is larger than {JsonStateMaxBytes} bytes, the most a JSON state file holds (a larger state is saved as a ScratchOptim.Training.Checkpoint)";
        if (stream.CanSeek && stream.Length - stream.Position > JsonStateMaxBytes) throw Corrupt(tooLarge);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > JsonStateMaxBytes) throw Corrupt(tooLarge);
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }

    /// <summary>A hyperparameter's value as JSON: by its type (an enum by its member's name, which is what Set takes back).</summary>
    private static void WriteSetting(Utf8JsonWriter json, object? setting)
    {
        switch (setting)
        {
            // An optional setting that is not set: JSON null, as PyTorch saves None.
            case null:
                json.WriteNullValue();
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int whole:
                json.WriteNumberValue(whole);
                break;
            case double number:
                WriteNumber(json, number, flush: false);
                break;
            case Enum member:
                json.WriteStringValue(member.ToString());
                break;
            default:
                throw new InvalidOperationException($"A hyperparameter of type {setting.GetType().Name}: only double, double?, bool, int and enums are declared.");
        }
    }

    /// <summary>A number, or its name when JSON has none; with <paramref name="flush"/>, hands the buffered text to the stream once it is large.</summary>
    private static void WriteNumber(Utf8JsonWriter json, double value, bool flush)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        if (flush && json.BytesPending >= StateFlushBytes) json.Flush();
    }

    private InvalidDataException Corrupt(string what) => new($"{Info.Name}: cannot load this state file: {what}. Nothing was changed.");
}
