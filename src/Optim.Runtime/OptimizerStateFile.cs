using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim;

/// <summary>
/// Saving and restoring an optimizer (PyTorch's <c>state_dict</c> / <c>load_state_dict</c>) as JSON: every group's
/// hyperparameters and group state, and every parameter's step count and state. Loading checks the whole file against
/// this optimizer first and changes nothing unless all of it fits.
/// </summary>
public abstract partial class Optimizer
{
    private const string StateFormat = "scratchoptim-state/1";

    /// <summary>Writes the hyperparameters of every group and the state of every parameter to <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer; nothing was written.</exception>
    public void SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Enter(nameof(SaveState));
        try
        {
            WriteState(stream);
        }
        finally
        {
            Exit();
        }
    }

    private void WriteState(Stream stream)
    {
        var groups = new JsonArray();
        for (int g = 0; g < GroupCount; g++)
        {
            var settings = GroupHyperparameters(g);
            var hyper = new JsonObject();
            foreach (var info in Info.Hyperparameters) hyper[info.Name] = Value(settings.Get(info.Name));

            var parameters = new JsonArray();
            foreach (var parameter in GroupParameters(g))
            {
                var state = new JsonObject();
                var parameterState = StateOf(parameter);
                for (int i = 0; i < Info.States.Count; i++)
                {
                    if (Info.States[i].Layout == StateLayout.Group) continue;
                    var values = new JsonArray();
                    switch (parameterState.Peek(i))
                    {
                        case float[] floats:
                            foreach (float value in floats) values.Add((JsonNode)JsonValue.Create((double)value));
                            break;
                        case double[] doubles:
                            foreach (double value in doubles) values.Add((JsonNode)JsonValue.Create(value));
                            break;
                        default:
                            continue;
                    }
                    state[Info.States[i].TorchName] = values;
                }
                parameters.Add((JsonNode)new JsonObject
                {
                    ["name"] = parameter.Name,
                    ["length"] = parameter.Length,
                    ["step"] = parameterState.Step,
                    ["state"] = state,
                });
            }
            var entry = new JsonObject { ["hyperparameters"] = hyper };
            if (HasGroupState)
            {
                // One number per group state, as the reference keeps it in param_groups (Prodigy's d, d_max, ...).
                var groupState = new JsonObject();
                var stored = GroupStateOf(g);
                for (int i = 0; i < Info.States.Count; i++)
                {
                    if (Info.States[i].Layout != StateLayout.Group) continue;
                    switch (stored.Peek(i))
                    {
                        case float[] floats:
                            groupState[Info.States[i].TorchName] = (double)floats[0];
                            break;
                        case double[] doubles:
                            groupState[Info.States[i].TorchName] = doubles[0];
                            break;
                    }
                }
                entry["state"] = groupState;
            }
            entry["parameters"] = parameters;
            groups.Add((JsonNode)entry);
        }
        var document = new JsonObject { ["format"] = StateFormat, ["optimizer"] = Info.Name, ["groups"] = groups };
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        document.WriteTo(writer);
    }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote: hyperparameters, step counts and state, matched by group and
    /// position. The file must come from an optimizer of the same kind over parameters of the same lengths.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a state file of this optimizer, or something in it does not fit (the message says what and
    /// where); nothing has been changed.
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
        JsonObject document;
        try
        {
            document = JsonNode.Parse(stream) as JsonObject ?? throw Corrupt("the file is not a JSON object");
        }
        catch (JsonException exception)
        {
            throw Corrupt("the file is not JSON: " + exception.Message);
        }
        if ((string?)document["format"] != StateFormat) throw Corrupt($"'format' is not \"{StateFormat}\"");
        if ((string?)document["optimizer"] != Info.Name) throw Corrupt($"it holds the state of '{document["optimizer"]}', not of {Info.Name}");
        if (document["groups"] is not JsonArray groups || groups.Count != GroupCount)
            throw Corrupt($"it has {(document["groups"] as JsonArray)?.Count ?? 0} parameter groups; this optimizer has {GroupCount}");

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
                JsonValueKind.String => node.GetValue<string>(),
                _ => throw Corrupt($"group {g}: hyperparameter '{name}' is not a number, a boolean, a name or null"),
            };
            try
            {
                trial.Set(name, value);
            }
            catch (ArgumentException exception)
            {
                throw Corrupt($"group {g}: {exception.Message}");
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
            if (node?.GetValueKind() != JsonValueKind.Number) throw Corrupt($"group {g}: group state '{name}' is not a number");
            try
            {
                values[index] = GroupStateValues(Info.States[index], node.GetValue<double>(), $"group {g}: group state '{name}'");
            }
            catch (ArgumentException exception)
            {
                throw Corrupt(exception.Message);
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

        var updates = new List<Action>();
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            string where = $"group {g}, parameter {p} ('{parameter}')";
            var entry = saved[p] as JsonObject ?? throw Corrupt($"{where} is not an object");
            if (entry["length"]?.GetValueKind() != JsonValueKind.Number || entry["length"]!.GetValue<double>() != parameter.Length)
                throw Corrupt($"{where}: it was saved with {entry["length"]?.ToJsonString() ?? "no"} elements; the parameter has {parameter.Length}");
            if (entry["step"]?.GetValueKind() != JsonValueKind.Number || entry["step"]!.GetValue<double>() is var step && (step < 0 || step > int.MaxValue || step != Math.Floor(step)))
                throw Corrupt($"{where}: 'step' must be a whole number of steps, at least 0; got {entry["step"]?.ToJsonString() ?? "nothing"}");
            if (entry["state"] is not JsonObject stateNode) throw Corrupt($"{where} has no 'state' object");

            var buffers = new Array?[Info.States.Count];
            foreach (var (name, node) in stateNode)
            {
                int index = StateIndexOrMinusOne(name);
                if (index < 0) throw Corrupt($"{where}: {Info.Name} has no state '{name}'");
                if (Info.States[index].Layout == StateLayout.Group) throw Corrupt($"{where}: state '{name}' is kept per parameter group, not per parameter");
                var info = Info.States[index];
                int expected = info.LengthFor(parameter);
                if (node is not JsonArray values || values.Count != expected)
                    throw Corrupt($"{where}: state '{name}' has {(node as JsonArray)?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no list of"} values; it needs {expected}");
                var read = new double[expected];
                for (int i = 0; i < expected; i++)
                {
                    if (values[i]?.GetValueKind() != JsonValueKind.Number) throw Corrupt($"{where}: state '{name}', element {i} is not a number");
                    read[i] = values[i]!.GetValue<double>();
                }
                buffers[index] = info.ValueTypeFor(parameter.ElementType) == typeof(float) ? Array.ConvertAll(read, value => (float)value) : read;
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

    /// <summary>A hyperparameter's value as JSON, through the typed overloads (the generic one is not trim-safe).</summary>
    private static JsonValue? Value(object? setting) => setting switch
    {
        // An optional setting that is not set: JSON null, as PyTorch saves None.
        null => null,
        bool flag => JsonValue.Create(flag),
        int whole => JsonValue.Create(whole),
        double number => JsonValue.Create(number),
        // An enum setting by its member's name, which is what Set takes back (and reads better than its number).
        Enum member => JsonValue.Create(member.ToString()),
        _ => throw new InvalidOperationException($"A hyperparameter of type {setting.GetType().Name}: only double, bool, int and enums are declared."),
    };

    private InvalidDataException Corrupt(string what) => new($"{Info.Name}: cannot load this state file: {what}. Nothing was changed.");
}
