using System;
using System.Globalization;

namespace ScratchOptim.Training;

/// <summary>
/// The names a <see cref="Checkpoint"/> gives its tensors and metadata entries, defined once here (docs/training.md
/// lists them), and how it writes scalars as metadata strings.
/// </summary>
internal static class CheckpointKeys
{
    public const string Format = "format";
    public const string Optimizer = "optimizer";
    public const string Groups = "optimizer.groups";
    public const string SchedulerCount = "schedulers";
    public const string AveragedKind = "averaged.kind";
    public const string AveragedDecay = "averaged.decay";
    public const string AveragedCount = "averaged.count";

    /// <summary>Tensor: a model parameter's values.</summary>
    public static string Model(string parameter) => "model." + parameter;

    /// <summary>Tensor: an optimizer state buffer of a parameter, by PyTorch's state name.</summary>
    public static string State(string parameter, string state) => $"optimizer.state.{parameter}.{state}";

    /// <summary>Tensor: a parameter's average.</summary>
    public static string Average(string parameter) => "averaged." + parameter;

    /// <summary>Metadata: the names of a group's parameters, as a JSON list.</summary>
    public static string GroupParameters(int group) => $"optimizer.group.{Whole(group)}.params";

    /// <summary>Metadata: a group's hyperparameter, by PyTorch's name.</summary>
    public static string Hyperparameter(int group, string torchName) => $"optimizer.group.{Whole(group)}.hyper.{torchName}";

    /// <summary>Metadata: a value a scheduler keeps beside a group's hyperparameters (<c>initial_lr</c>, ...).</summary>
    public static string ScheduleValue(int group, string key) => $"optimizer.group.{Whole(group)}.schedule.{key}";

    /// <summary>Metadata: a group state of a group (Prodigy's <c>d</c>, ...), by PyTorch's name; absent before the group's first step.</summary>
    public static string GroupState(int group, string torchName) => $"optimizer.group.{Whole(group)}.state.{torchName}";

    /// <summary>Metadata: a parameter's step count.</summary>
    public static string Step(string parameter) => "optimizer.step." + parameter;

    /// <summary>Metadata: the class of a scheduler.</summary>
    public static string SchedulerClass(int index) => $"scheduler.{Whole(index)}.class";

    /// <summary>Metadata: a scheduler's <c>state_dict</c> as JSON.</summary>
    public static string SchedulerState(int index) => $"scheduler.{Whole(index)}.state";

    /// <summary>A double as the shortest text that reads back to it; <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> (which Python's <c>float()</c> reads too).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A hyperparameter's value: a number, <c>true</c>/<c>false</c>, an enum member's name, or <c>null</c>.</summary>
    public static string Setting(object? value) => value switch
    {
        null => "null",
        bool flag => flag ? "true" : "false",
        int whole => Whole(whole),
        double number => Number(number),
        Enum member => member.ToString(),
        _ => throw new InvalidOperationException($"A hyperparameter of type {value.GetType().Name}: only double, bool, int and enums are declared."),
    };
}
