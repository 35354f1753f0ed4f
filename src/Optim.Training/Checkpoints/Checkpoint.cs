using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>
/// Everything a training run needs to continue exactly where it stopped, in one safetensors file: the model's
/// parameters by name, the optimizer's state buffers, step counts and every group's hyperparameters (with the
/// values schedulers keep beside them), the schedulers' state, an <see cref="AveragedModel"/> and metadata of your
/// own. <see cref="Save(string)"/> is atomic; <see cref="Load(string)"/> matches everything by name, checks every
/// dtype and shape, and changes nothing unless the whole file fits. A run resumed from a checkpoint equals the
/// uninterrupted run bit for bit.
/// </summary>
/// <remarks>
/// The layout of the file (tensor names and metadata keys) is described in <c>docs/training.md</c>; Python reads it
/// with <c>safetensors.safe_open</c>. Every parameter saved needs a unique <see cref="Parameter.Name"/>.
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The <c>format</c> entry of the file's metadata.</summary>
    public const string Format = "scratchoptim-checkpoint/1";

    private const string UserPrefix = "user.";

    private readonly Parameter[]? model;
    private readonly Scheduler[] schedulers;
    private readonly Dictionary<string, string> metadata = new(StringComparer.Ordinal);

    /// <summary>
    /// A checkpoint of <paramref name="optimizer"/>'s parameters (the model: every parameter of every group, as
    /// they are when saving or loading), its state and the state of <paramref name="schedulers"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter has no name or shares its name with another, or a scheduler drives another optimizer.</exception>
    public Checkpoint(Optimizer optimizer, params IEnumerable<Scheduler> schedulers)
        : this(null, optimizer ?? throw new ArgumentNullException(nameof(optimizer)), schedulers, null)
    {
    }

    /// <summary>
    /// A checkpoint of the parameters of <paramref name="model"/> and, when given, of an optimizer of some (or all)
    /// of them, its schedulers and an average of some of them.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A parameter has no name or shares its name with another, the optimizer or the average has a parameter the
    /// model does not list, or a scheduler drives another optimizer.
    /// </exception>
    public Checkpoint(IEnumerable<Parameter> model, Optimizer? optimizer = null, IEnumerable<Scheduler>? schedulers = null, AveragedModel? averaged = null)
        : this([.. model ?? throw new ArgumentNullException(nameof(model))], optimizer, schedulers, averaged)
    {
    }

    private Checkpoint(Parameter[]? model, Optimizer? optimizer, IEnumerable<Scheduler>? schedulers, AveragedModel? averaged)
    {
        this.model = model;
        Optimizer = optimizer;
        Averaged = averaged;
        this.schedulers = [.. schedulers ?? []];
        for (int i = 0; i < this.schedulers.Length; i++)
        {
            var scheduler = this.schedulers[i] ?? throw new ArgumentNullException(nameof(schedulers), $"Scheduler {i} is null.");
            if (!ReferenceEquals(scheduler.Optimizer, optimizer))
                throw new ArgumentException($"Scheduler {i} ({scheduler.GetType().Name}) drives {scheduler.Optimizer.Info.Name} {(optimizer is null ? "but the checkpoint has no optimizer" : $"other than the checkpoint's {optimizer.Info.Name}")}.", nameof(schedulers));
        }
        Layout(message => new ArgumentException(message));
    }

    /// <summary>The model's parameters, saved as tensors <c>model.NAME</c>.</summary>
    public IReadOnlyList<Parameter> Model => model ?? [.. Optimizer!.Parameters];

    /// <summary>The optimizer whose state is saved, or null.</summary>
    public Optimizer? Optimizer { get; }

    /// <summary>The schedulers whose state is saved, in order.</summary>
    public IReadOnlyList<Scheduler> Schedulers => schedulers;

    /// <summary>The average whose values are saved, or null.</summary>
    public AveragedModel? Averaged { get; }

    /// <summary>
    /// Entries of your own (an epoch, a position in the data, a note), saved with the checkpoint under
    /// <c>user.KEY</c> and replaced by the file's when one is loaded.
    /// </summary>
    public IDictionary<string, string> Metadata => metadata;

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically (<see cref="AtomicFile"/>): whatever fails (an
    /// exception, a full disk, a killed process), the file that was there before stays whole.
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter added to the optimizer since has no name or a name already used.</exception>
    public void Save(string path)
    {
        var writer = Writer();
        AtomicFile.Write(path, writer.WriteTo);
    }

    /// <summary>Writes the checkpoint to <paramref name="stream"/>, as it goes (no copy of the tensors is made).</summary>
    /// <exception cref="InvalidOperationException">A parameter added to the optimizer since has no name or a name already used.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Writer().WriteTo(stream);
    }

    /// <summary>Restores everything from the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid checkpoint, or it does not fit: a parameter, state or scheduler missing or left
    /// over, a dtype or shape that differs, another optimizer, a value out of range. The message says what and
    /// where; nothing was changed.
    /// </exception>
    public void Load(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        Load(file);
    }

    /// <summary>Restores everything from a checkpoint in a readable, seekable <paramref name="stream"/> (left open).</summary>
    /// <exception cref="InvalidDataException">The data is not a valid checkpoint or does not fit (see <see cref="Load(string)"/>); nothing was changed.</exception>
    public void Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var file = SafeTensorsFile.Read(stream, leaveOpen: true);
        Load(file);
    }

    /// <summary>Checks names and membership; returns each saved parameter by name.</summary>
    private Dictionary<string, Parameter> Layout(Func<string, Exception> error)
    {
        var byName = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        var members = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var parameters = Model;
        for (int i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i] ?? throw error($"Model parameter {i} is null.");
            if (string.IsNullOrEmpty(parameter.Name))
                throw error($"Model parameter {i} ('{parameter}') has no name; a checkpoint finds each parameter by its name: give it one (new Parameter<float>(data, shape, \"layer1.weight\")).");
            if (!byName.TryAdd(parameter.Name, parameter))
            {
                throw error(ReferenceEquals(byName[parameter.Name], parameter)
                    ? $"Model parameter {i} ('{parameter}') is listed twice."
                    : $"Model parameters '{byName[parameter.Name]}' and '{parameter}' (number {i}) have the same name; a checkpoint finds each parameter by its name, so names must be unique.");
            }
            members.Add(parameter);
        }
        if (Optimizer is { } optimizer)
        {
            foreach (var parameter in optimizer.Parameters)
                if (!members.Contains(parameter)) throw error($"{optimizer.Info.Name} optimizes '{parameter}', which is not one of the model's parameters.");
        }
        if (Averaged is { } averaged)
        {
            foreach (var parameter in averaged.Parameters)
                if (!members.Contains(parameter)) throw error($"The average covers '{parameter}', which is not one of the model's parameters.");
        }
        return byName;
    }

    private SafeTensorsWriter Writer()
    {
        Layout(message => new InvalidOperationException(message));
        var writer = new SafeTensorsWriter();
        var meta = writer.Metadata;
        meta[CheckpointKeys.Format] = Format;
        foreach (var parameter in Model) AddParameter(writer, CheckpointKeys.Model(parameter.Name!), parameter);

        if (Optimizer is { } optimizer)
        {
            meta[CheckpointKeys.Optimizer] = optimizer.Info.Name;
            meta[CheckpointKeys.Groups] = CheckpointKeys.Whole(optimizer.GroupCount);
            for (int g = 0; g < optimizer.GroupCount; g++)
            {
                meta[CheckpointKeys.GroupParameters(g)] = new JsonArray([.. optimizer.GroupParameters(g).Select(p => (JsonNode)p.Name!)]).ToJsonString();
                var settings = optimizer.GroupHyperparameters(g);
                foreach (var info in optimizer.Info.Hyperparameters)
                    meta[CheckpointKeys.Hyperparameter(g, info.TorchName)] = CheckpointKeys.Setting(settings.Get(info.Name));
                foreach (var (key, value) in optimizer.ScheduleValues(g))
                    meta[CheckpointKeys.ScheduleValue(g, key)] = CheckpointKeys.Number(value);
                foreach (var state in optimizer.Info.States.Where(s => s.Layout == StateLayout.Group))
                {
                    if (optimizer.GroupStateValue(g, state.Name) is { } value)
                        meta[CheckpointKeys.GroupState(g, state.TorchName)] = CheckpointKeys.Number(value);
                }
            }
            foreach (var parameter in optimizer.Parameters)
            {
                meta[CheckpointKeys.Step(parameter.Name!)] = CheckpointKeys.Whole(optimizer.StepCount(parameter));
                foreach (var state in optimizer.Info.States.Where(s => s.Layout != StateLayout.Group))
                    AddState(writer, optimizer, parameter, state);
            }
        }

        meta[CheckpointKeys.SchedulerCount] = CheckpointKeys.Whole(schedulers.Length);
        for (int i = 0; i < schedulers.Length; i++)
        {
            meta[CheckpointKeys.SchedulerClass(i)] = schedulers[i].GetType().Name;
            meta[CheckpointKeys.SchedulerState(i)] = schedulers[i].StateDict().ToJsonString();
        }

        if (Averaged is { } averaged)
        {
            meta[CheckpointKeys.AveragedKind] = averaged.Kind.ToString();
            meta[CheckpointKeys.AveragedDecay] = CheckpointKeys.Number(averaged.Decay);
            meta[CheckpointKeys.AveragedCount] = averaged.Count.ToString(CultureInfo.InvariantCulture);
            foreach (var parameter in averaged.Parameters)
            {
                string key = CheckpointKeys.Average(parameter.Name!);
                if (parameter is Parameter<float>) writer.Add(key, Shape(parameter), parameter.Length, () => averaged.Average<float>(parameter));
                else writer.Add(key, Shape(parameter), parameter.Length, () => averaged.Average<double>(parameter));
            }
        }

        foreach (var (key, value) in metadata) meta[UserPrefix + key] = value;
        return writer;
    }

    private static void AddParameter(SafeTensorsWriter writer, string key, Parameter parameter)
    {
        switch (parameter)
        {
            case Parameter<float> single:
                writer.Add<float>(key, single.Data, Shape(parameter));
                break;
            case Parameter<double> real:
                writer.Add<double>(key, real.Data, Shape(parameter));
                break;
        }
    }

    /// <summary>Adds an allocated state buffer (one never allocated, or empty, is left out: it loads as not allocated).</summary>
    private static void AddState(SafeTensorsWriter writer, Optimizer optimizer, Parameter parameter, StateInfo state)
    {
        string key = CheckpointKeys.State(parameter.Name!, state.TorchName);
        // An allocated buffer holds the state's length, which then fits an int (a matrix state of a large parameter,
        // never allocated, may not).
        if (state.ValueTypeFor(parameter.ElementType) == typeof(float))
        {
            var values = optimizer.State<float>(parameter, state.TorchName);
            if (!values.IsEmpty)
                writer.Add(key, StateShape(parameter, state), values.Length, () => optimizer.State<float>(parameter, state.TorchName));
        }
        else
        {
            var values = optimizer.State<double>(parameter, state.TorchName);
            if (!values.IsEmpty)
                writer.Add(key, StateShape(parameter, state), values.Length, () => optimizer.State<double>(parameter, state.TorchName));
        }
    }

    private static long[] Shape(Parameter parameter) => [.. parameter.Shape.Select(d => (long)d)];

    /// <summary>A state's tensor shape: the parameter's for one value per element, a scalar for one per tensor, else a list.</summary>
    private static long[] StateShape(Parameter parameter, StateInfo state) => state.Layout switch
    {
        StateLayout.Element => Shape(parameter),
        StateLayout.Tensor => [],
        _ => [state.LengthFor(parameter)],
    };

    private void Load(SafeTensorsFile file)
    {
        var byName = Layout(message => new InvalidOperationException(message));
        var plan = new CheckpointReader(file);
        plan.Expect(CheckpointKeys.Format, Format);

        // Check every entry of the file against this checkpoint; nothing is read or changed yet.
        foreach (var parameter in byName.Values)
        {
            var target = parameter;
            plan.Tensor(CheckpointKeys.Model(parameter.Name!), parameter, Shape(parameter), required: true,
                values => CopyInto(target, values));
        }
        if (Optimizer is { } optimizer) PlanOptimizer(plan, optimizer);
        else if (plan.Has(CheckpointKeys.Optimizer))
            throw plan.Error($"it holds the state of an optimizer ({plan.Peek(CheckpointKeys.Optimizer)}); this checkpoint has none");
        PlanSchedulers(plan);
        if (Averaged is { } averaged) PlanAverage(plan, averaged);
        var user = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string key in plan.KeysStartingWith(UserPrefix)) user[key[UserPrefix.Length..]] = plan.Text(key);
        plan.CheckEverythingUsed();

        // Read every tensor (the file may still fail here), then change everything.
        plan.ReadTensors();
        plan.Apply();
        metadata.Clear();
        foreach (var (key, value) in user) metadata[key] = value;
    }

    private static void CopyInto(Parameter parameter, Array values)
    {
        switch (parameter)
        {
            case Parameter<float> single:
                ((float[])values).CopyTo(single.Data.Span);
                break;
            case Parameter<double> real:
                ((double[])values).CopyTo(real.Data.Span);
                break;
        }
    }

    /// <summary>Plans the optimizer's restore: groups, settings (each checked by its setter now), step counts and state buffers.</summary>
    private static void PlanOptimizer(CheckpointReader plan, Optimizer optimizer)
    {
        string name = optimizer.Info.Name;
        if (!plan.Has(CheckpointKeys.Optimizer)) throw plan.Error($"it holds no optimizer state; this checkpoint has {name}'s");
        if (plan.Text(CheckpointKeys.Optimizer) != name) throw plan.Error($"it holds the state of {plan.Text(CheckpointKeys.Optimizer)}, not of {name}");
        int groups = (int)plan.Whole(CheckpointKeys.Groups, max: int.MaxValue);
        if (groups != optimizer.GroupCount) throw plan.Error($"it holds {groups} parameter groups; {name} has {optimizer.GroupCount}");

        var settings = new List<(HyperparameterSet Set, string Setting, object? Value)>();
        for (int g = 0; g < groups; g++)
        {
            PlanGroupMembers(plan, optimizer, g);
            var groupSettings = optimizer.GroupHyperparameters(g);
            foreach (var info in optimizer.Info.Hyperparameters)
            {
                string key = CheckpointKeys.Hyperparameter(g, info.TorchName);
                object? value = plan.Setting(key, info);
                try
                {
                    groupSettings.Check(info.Name, value);
                }
                catch (ArgumentException exception)
                {
                    throw plan.Error($"{key}: {ExceptionText.Reason(exception).TrimEnd('.')}");
                }
                settings.Add((groupSettings, info.Name, value));
            }
            var scheduleValues = new List<KeyValuePair<string, double>>();
            string prefix = CheckpointKeys.ScheduleValue(g, "");
            foreach (string key in plan.KeysStartingWith(prefix))
            {
                double value = plan.Number(key);
                if (!double.IsFinite(value)) throw plan.Error($"'{key}' must be finite; got {plan.Text(key)}");
                scheduleValues.Add(new(key[prefix.Length..], value));
            }
            int group = g;
            plan.OnApply(() => optimizer.ReplaceScheduleValues(group, scheduleValues));
            foreach (var state in optimizer.Info.States.Where(s => s.Layout == StateLayout.Group))
            {
                // A group state absent from the file was not allocated yet: it starts afresh on the next step.
                string key = CheckpointKeys.GroupState(g, state.TorchName);
                double? value = plan.Has(key) ? plan.Number(key) : null;
                if (value is { } number && state.Value == StateValue.Float32 && float.IsInfinity((float)number) && double.IsFinite(number))
                    throw plan.Error($"'{key}' is {plan.Text(key)}, beyond the range of its float32 value");
                // Group state that spans every group is the first group's, as a step reads it; loading it loads every group's copy.
                if (!optimizer.Info.AcrossGroups || g == 0) plan.OnApply(() => optimizer.LoadGroupState(group, state.Name, value));
            }
        }
        // Hyperparameter keys this optimizer does not have.
        foreach (string key in plan.KeysStartingWith("optimizer.group."))
            if (!plan.IsUsed(key)) throw plan.Error($"'{key}' is not a hyperparameter of {name}, nor a value of parameter group {(groups == 1 ? "0" : $"0 to {groups - 1}")}");

        foreach (var parameter in optimizer.Parameters)
        {
            int step = (int)plan.Whole(CheckpointKeys.Step(parameter.Name!), max: int.MaxValue);
            var states = optimizer.Info.States;
            var buffers = new Array?[states.Count];
            for (int i = 0; i < states.Count; i++)
            {
                if (states[i].Layout == StateLayout.Group) continue;
                int index = i;
                plan.Tensor(CheckpointKeys.State(parameter.Name!, states[i].TorchName), states[i].ValueTypeFor(parameter.ElementType),
                    StateShape(parameter, states[i]), required: false, values => buffers[index] = values);
            }
            var target = parameter;
            plan.OnApply(() => optimizer.RestoreState(target, step, buffers));
        }

        // Every setting was checked above: applying them cannot fail.
        plan.OnApply(() =>
        {
            foreach (var (set, setting, value) in settings) set.Set(setting, value);
        });
    }

    /// <summary>A group must hold the same parameters (by name, in any order) as when it was saved.</summary>
    private static void PlanGroupMembers(CheckpointReader plan, Optimizer optimizer, int g)
    {
        string key = CheckpointKeys.GroupParameters(g);
        var saved = new List<string>();
        try
        {
            if (JsonNode.Parse(plan.Text(key)) is not JsonArray list) throw new JsonException("not a list");
            foreach (var item in list)
                saved.Add(item?.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : throw new JsonException("not a list of names"));
        }
        catch (JsonException exception)
        {
            throw plan.Error($"'{key}' is not a JSON list of parameter names ({exception.Message})");
        }
        var here = optimizer.GroupParameters(g).Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
        var there = saved.ToHashSet(StringComparer.Ordinal);
        if (there.Count != saved.Count) throw plan.Error($"'{key}' lists a parameter twice");
        if (!here.SetEquals(there))
        {
            string missing = string.Join(", ", here.Except(there).Select(n => $"'{n}'"));
            string extra = string.Join(", ", there.Except(here).Select(n => $"'{n}'"));
            throw plan.Error($"parameter group {g} held {string.Join(", ", saved.Select(n => $"'{n}'"))} when it was saved"
                + (missing.Length > 0 ? $"; {missing} {(here.Except(there).Count() == 1 ? "is" : "are")} in it now but not in the file" : "")
                + (extra.Length > 0 ? $"; {extra} {(there.Except(here).Count() == 1 ? "is" : "are")} in the file but not in it now" : ""));
        }
    }

    private void PlanSchedulers(CheckpointReader plan)
    {
        int count = plan.Has(CheckpointKeys.SchedulerCount) ? (int)plan.Whole(CheckpointKeys.SchedulerCount, max: int.MaxValue) : 0;
        if (count != schedulers.Length) throw plan.Error($"it holds the state of {count} schedulers; this checkpoint has {schedulers.Length}");
        for (int i = 0; i < count; i++)
        {
            string type = schedulers[i].GetType().Name;
            if (plan.Text(CheckpointKeys.SchedulerClass(i)) != type)
                throw plan.Error($"scheduler {i} was a {plan.Text(CheckpointKeys.SchedulerClass(i))}; here it is a {type}");
            string key = CheckpointKeys.SchedulerState(i);
            JsonObject state;
            try
            {
                state = JsonNode.Parse(plan.Text(key)) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException exception)
            {
                throw plan.Error($"'{key}' is not a JSON object ({exception.Message})");
            }
            try
            {
                plan.OnApply(schedulers[i].PrepareLoad(state));
            }
            catch (InvalidDataException exception)
            {
                throw plan.Error($"'{key}': {exception.Message.TrimEnd('.')}");
            }
        }
    }

    private static void PlanAverage(CheckpointReader plan, AveragedModel averaged)
    {
        if (plan.Text(CheckpointKeys.AveragedKind) != averaged.Kind.ToString())
            throw plan.Error($"its average is {plan.Text(CheckpointKeys.AveragedKind)}; this checkpoint's is {averaged.Kind}");
        double decay = plan.Number(CheckpointKeys.AveragedDecay);
        if (!decay.Equals(averaged.Decay))
            throw plan.Error($"its average has decay {plan.Text(CheckpointKeys.AveragedDecay)}; this checkpoint's has {CheckpointKeys.Number(averaged.Decay)}");
        long count = plan.Whole(CheckpointKeys.AveragedCount, max: long.MaxValue);
        foreach (var parameter in averaged.Parameters)
        {
            var target = parameter;
            plan.Tensor(CheckpointKeys.Average(parameter.Name!), parameter, Shape(parameter), required: true, values => averaged.RestoreAverage(target, values));
        }
        plan.OnApply(() => averaged.RestoreCount(count));
    }
}
