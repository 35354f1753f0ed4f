using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ScratchOptim.Training;

/// <summary>
/// An optimizer's parameter groups seen as PyTorch's <c>optimizer.param_groups</c> dictionaries, the view schedulers
/// read and write: a key is either one of the optimizer's hyperparameters (<c>lr</c>, <c>momentum</c>,
/// <c>betas[0]</c>, ... by declared or PyTorch name) or a value a scheduler keeps in the group beside them
/// (<c>initial_lr</c>, <c>max_lr</c>, <c>min_lr</c>, <c>base_momentum</c>, <c>max_momentum</c>, <c>swa_lr</c>).
/// </summary>
/// <remarks>
/// As in PyTorch, the first scheduler made for an optimizer records each group's <c>initial_lr</c>, and a later
/// scheduler for the same optimizer starts from it (this is how <see cref="SequentialLR"/> and
/// <see cref="ChainedScheduler"/> see the same base learning rates). A checkpoint saves these values with the
/// optimizer's groups.
/// </remarks>
public static class ParamGroupValues
{
    private static readonly ConditionalWeakTable<Optimizer, List<Dictionary<string, double>>> ScheduleKeys = new();

    /// <summary>PyTorch's name of the learning rate.</summary>
    public const string LearningRate = "lr";

    /// <summary>
    /// The key a momentum-cycling schedule (<see cref="CyclicLR"/>, <see cref="OneCycleLR"/>) writes:
    /// <c>betas[0]</c> for Adam-like optimizers, <c>momentum</c> for SGD-like ones, null when the optimizer has
    /// neither (PyTorch checks <c>betas</c> first, too).
    /// </summary>
    public static string? MomentumKey(this Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        string? momentum = null;
        foreach (var hyper in optimizer.Info.Hyperparameters)
        {
            if (hyper.TorchName == "betas[0]") return hyper.TorchName;
            if (hyper.TorchName == "momentum") momentum = hyper.TorchName;
        }
        return momentum;
    }

    /// <summary><c>param_groups[group][key]</c>.</summary>
    /// <exception cref="KeyNotFoundException">The group has no such hyperparameter or scheduler value.</exception>
    public static double GetGroupValue(this Optimizer optimizer, int group, string key) =>
        optimizer.TryGetGroupValue(group, key, out double value)
            ? value
            : throw new KeyNotFoundException($"{optimizer.Info.Name}: parameter group {group} has no hyperparameter or scheduler value '{key}'.");

    /// <summary><c>param_groups[group].get(key)</c>: false when the group has no such value.</summary>
    public static bool TryGetGroupValue(this Optimizer optimizer, int group, string key, out double value)
    {
        CheckGroup(optimizer, group);
        ArgumentNullException.ThrowIfNull(key);
        if (FindHyperparameter(optimizer, key) is { } hyper)
        {
            value = hyper.Type switch
            {
                "double" => (double)optimizer.GroupHyperparameters(group).Get(hyper.Name)!,
                "int" => (int)optimizer.GroupHyperparameters(group).Get(hyper.Name)!,
                _ => throw new KeyNotFoundException($"{optimizer.Info.Name}: hyperparameter '{key}' is a {hyper.Type}, not a number."),
            };
            return true;
        }
        var keys = GroupKeys(optimizer, group);
        return keys.TryGetValue(key, out value);
    }

    /// <summary>
    /// <c>param_groups[group][key] = value</c>: a hyperparameter is checked against its range (and nothing changes
    /// when it is outside); any other key is kept beside the group.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the hyperparameter's range.</exception>
    public static void SetGroupValue(this Optimizer optimizer, int group, string key, double value)
    {
        CheckGroup(optimizer, group);
        ArgumentNullException.ThrowIfNull(key);
        if (FindHyperparameter(optimizer, key) is { } hyper)
        {
            CheckRange(optimizer, hyper, group, value);
            optimizer.GroupHyperparameters(group).Set(hyper.Name, value);
            return;
        }
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{optimizer.Info.Name}: parameter group {group}: '{key}' must be finite; got {Format(value)}.");
        GroupKeys(optimizer, group)[key] = value;
    }

    /// <summary>
    /// The values schedulers keep beside group <paramref name="group"/>'s hyperparameters (<c>initial_lr</c>, ...),
    /// in the order they were first set.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, double>> ScheduleValues(this Optimizer optimizer, int group)
    {
        CheckGroup(optimizer, group);
        return [.. GroupKeys(optimizer, group)];
    }

    /// <summary>Replaces every value schedulers keep beside group <paramref name="group"/>'s hyperparameters (a checkpoint being restored); the values are finite.</summary>
    internal static void ReplaceScheduleValues(this Optimizer optimizer, int group, IEnumerable<KeyValuePair<string, double>> values)
    {
        CheckGroup(optimizer, group);
        var keys = GroupKeys(optimizer, group);
        keys.Clear();
        foreach (var (key, value) in values) keys[key] = value;
    }

    /// <summary>Whether <paramref name="key"/> names one of the optimizer's hyperparameters (rather than a value a scheduler keeps).</summary>
    internal static bool IsHyperparameter(this Optimizer optimizer, string key) => FindHyperparameter(optimizer, key) is not null;

    /// <summary>Checks <paramref name="value"/> against <paramref name="key"/>'s range without changing anything.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the hyperparameter's range.</exception>
    internal static void CheckGroupValue(this Optimizer optimizer, int group, string key, double value)
    {
        if (FindHyperparameter(optimizer, key) is { } hyper) CheckRange(optimizer, hyper, group, value);
        else if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{optimizer.Info.Name}: parameter group {group}: '{key}' must be finite; got {Format(value)}.");
    }

    /// <summary>
    /// Checks a scheduler's per-group argument that becomes each group's <paramref name="key"/> (a momentum, an SWA
    /// learning rate) against that hyperparameter's range, before anything is written; the exception names
    /// <paramref name="argument"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the hyperparameter's range.</exception>
    internal static void CheckArgument(this Optimizer optimizer, string key, IReadOnlyList<double> values, string argument)
    {
        var hyper = FindHyperparameter(optimizer, key);
        for (int g = 0; g < values.Count; g++)
        {
            if (hyper is not null) CheckRange(optimizer, hyper, g, values[g], argument);
            else if (!double.IsFinite(values[g]))
                throw new ArgumentOutOfRangeException(argument, values[g], $"{optimizer.Info.Name}: parameter group {g}: '{key}' must be finite; {argument} is {Format(values[g])}.");
        }
    }

    /// <summary>Every group's learning rate.</summary>
    internal static double[] LearningRates(this Optimizer optimizer)
    {
        var lrs = new double[optimizer.GroupCount];
        for (int g = 0; g < lrs.Length; g++) lrs[g] = optimizer.GetGroupValue(g, LearningRate);
        return lrs;
    }

    /// <summary>Sets every group's <paramref name="key"/>, after checking all the values first.</summary>
    internal static void SetAll(this Optimizer optimizer, string key, IReadOnlyList<double> values)
    {
        if (values.Count != optimizer.GroupCount)
            throw new InvalidOperationException($"{optimizer.Info.Name} has {optimizer.GroupCount} parameter groups; the scheduler computed {values.Count} values of '{key}' (a group was added after the scheduler was made).");
        for (int g = 0; g < values.Count; g++) optimizer.CheckGroupValue(g, key, values[g]);
        for (int g = 0; g < values.Count; g++) optimizer.SetGroupValue(g, key, values[g]);
    }

    private static HyperparameterInfo? FindHyperparameter(Optimizer optimizer, string key)
    {
        foreach (var hyper in optimizer.Info.Hyperparameters)
            if (hyper.Name == key || hyper.TorchName == key) return hyper;
        return null;
    }

    /// <summary>Checks <paramref name="value"/> against <paramref name="hyper"/>'s range: a value a scheduler computed, or its <paramref name="argument"/>.</summary>
    private static void CheckRange(Optimizer optimizer, HyperparameterInfo hyper, int group, double value, string? argument = null)
    {
        bool aboveMin = hyper.MinExclusive ? value > hyper.Min : value >= hyper.Min;
        bool belowMax = hyper.MaxExclusive ? value < hyper.Max : value <= hyper.Max;
        // A range printed [0, ∞) excludes ∞ itself.
        if (!(aboveMin && belowMax) || double.IsInfinity(value) || (hyper.Type == "int" && value != Math.Floor(value)))
            throw new ArgumentOutOfRangeException(argument ?? nameof(value), value,
                $"{optimizer.Info.Name}: parameter group {group}: hyperparameter '{hyper.Name}' ({hyper.TorchName}) must be in {hyper.Range}; {(argument is null ? "a scheduler computed" : $"{argument} is")} {Format(value)}.");
    }

    private static Dictionary<string, double> GroupKeys(Optimizer optimizer, int group)
    {
        var groups = ScheduleKeys.GetValue(optimizer, _ => []);
        lock (groups)
        {
            while (groups.Count <= group) groups.Add(new Dictionary<string, double>(StringComparer.Ordinal));
            return groups[group];
        }
    }

    private static void CheckGroup(Optimizer optimizer, int group)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if ((uint)group >= (uint)optimizer.GroupCount)
            throw new ArgumentOutOfRangeException(nameof(group), group, $"{optimizer.Info.Name} has {optimizer.GroupCount} parameter groups.");
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
