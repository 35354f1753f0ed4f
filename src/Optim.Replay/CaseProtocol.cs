using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text.Json.Nodes;

namespace ScratchOptim.Replay;

/// <summary>
/// What some authors' cases do besides <c>step()</c> (the per-folder protocols of the shared README), replayed with the
/// optimizer's procedures: SophiaG's <c>update_hessian()</c> after some steps, with gradients of its own; Schedule-Free's
/// <c>train()</c> before the first step and <c>eval()</c> after the last; and the values the authors keep in their
/// param group, which are group state (Prodigy's d), per-tensor state (Schedule-Free's weight_sum) or the step count here.
/// </summary>
internal static class CaseProtocol
{
    /// <summary>The authors' methods the protocols call, and the procedure each is here.</summary>
    public const string UpdateHessian = "UpdateHessian", Train = "Train", Eval = "Eval";

    /// <summary>
    /// The authors' param-group values that count the steps taken (Schedule-Free's <c>k</c>, Adan's <c>step</c>): the step
    /// count here, unless the optimizer keeps a state of that name (Prodigy's group state <c>k</c>).
    /// </summary>
    private static readonly HashSet<string> StepCounters = new(StringComparer.Ordinal) { "k", "step" };

    /// <summary>Param-group values that have no counterpart here, and why.</summary>
    private static readonly Dictionary<string, string> GroupValuesNotKept = new(StringComparer.Ordinal)
    {
        ["scheduled_lr"] = "the learning rate of the last step, which Schedule-Free keeps for logging only",
        ["lr"] = "fairseq's Adafactor writes the step size it computed for the last tensor into lr; here a step writes no setting",
    };

    /// <summary>States kept here that the cases do not record, and why they are not compared.</summary>
    private static readonly Dictionary<string, string> StatesNotRecorded = new(StringComparer.Ordinal)
    {
        ["train_mode"] = "Schedule-Free's param-group flag, which the cases do not record",
    };

    /// <summary>Whether <paramref name="state"/> (a PyTorch state name) is compared elsewhere or not at all, rather than with the reference's final state.</summary>
    public static bool ComparedElsewhere(ReferenceCase reference, string state) =>
        StatesNotRecorded.ContainsKey(state) || reference.FinalGroup?.Any(group => group is JsonObject values && values.ContainsKey(state)) == true;

    /// <summary>Why the optimizer cannot replay the case's protocol (a procedure it lacks), or null.</summary>
    public static string? Missing(ReferenceCase reference, Optimizer optimizer)
    {
        var needed = new List<string>();
        if (reference.HessianGrads is not null) needed.Add(UpdateHessian);
        if (reference.EvalParams is not null) needed.AddRange([Train, Eval]);
        var missing = needed.Where(name => !optimizer.Info.Procedures.Any(p => p.Name == name)).ToList();
        return missing.Count == 0 ? null : $"{optimizer.Info.Name} has no procedure {string.Join(" or ", missing)}, which the case's protocol calls";
    }

    /// <summary>The Hessian update after step <paramref name="step"/> (0-based), when the case has one there.</summary>
    public static void AfterStep<T>(ReferenceCase reference, int step, Optimizer optimizer, Parameter<T>[] parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (reference.HessianGrads?[step] is not { } gradients) return;
        for (int t = 0; t < parameters.Length; t++)
            parameters[t].Grad = Array.ConvertAll(gradients[t], T.CreateTruncating);
        optimizer.RunProcedure(UpdateHessian);
    }

    /// <summary>
    /// Compares the param-group values recorded after step <paramref name="step"/> (0-based; the final ones for null)
    /// with their counterparts of every tensor; returns the first mismatch, or null.
    /// </summary>
    public static string? CompareGroup(ReferenceCase reference, int? step, Optimizer optimizer, Parameter[] parameters)
    {
        var groups = step is { } s ? reference.GroupHistory?[s] as JsonArray : reference.FinalGroup;
        if (groups is null) return null;
        string when = step is { } index ? $"after step {index + 1}" : "final";
        // One param group here: every tensor's value is compared with the first group's.
        if (groups.Count != 1) return $"{when} param groups: {groups.Count} recorded, the replay has 1";
        foreach (var (name, value) in (JsonObject)groups[0]!)
        {
            if (GroupValuesNotKept.ContainsKey(name)) continue;
            double expected = value!.GetValue<double>();
            if (GroupStateOf(optimizer, name) is { } groupState)
            {
                // Group state comes from sums over the group's tensors: within the case's tolerance, as the tensors.
                if (optimizer.GroupStateValue(0, groupState.Name) is not { } kept) return $"{when} group state '{name}' is missing";
                if (CaseRunner.Compare(reference, [kept], [expected], $"{when} group state '{name}'") is { } mismatch) return mismatch;
                continue;
            }
            for (int t = 0; t < parameters.Length; t++)
            {
                double? actual = optimizer.Info.States.Any(s => s.TorchName == name) ? optimizer.StateValues(parameters[t], name).FirstOrDefault()
                    : StepCounters.Contains(name) ? optimizer.StepCount(parameters[t])
                    : null;
                if (actual is null) return $"{when} param-group value '{name}' has no counterpart in {optimizer.Info.Name}";
                // Group values are Python floats and ints: exact, whatever the case's tolerance for tensors.
                if (actual.Value != expected)
                    return $"{when} param-group value '{name}' of tensor {t}: got {Format(actual.Value)}, expected {Format(expected)}";
            }
        }
        return null;
    }

    /// <summary>This replay's values of the recorded param-group values, for <paramref name="parameter"/>, in the result file.</summary>
    public static JsonObject GroupValues(ReferenceCase reference, Optimizer optimizer, Parameter parameter)
    {
        var values = new JsonObject();
        if ((reference.FinalGroup ?? reference.GroupHistory?[0] as JsonArray)?.FirstOrDefault() is not JsonObject recorded) return values;
        foreach (var (name, _) in recorded)
        {
            if (GroupStateOf(optimizer, name) is { } groupState) values[name] = optimizer.GroupStateValue(0, groupState.Name);
            else if (optimizer.Info.States.Any(s => s.TorchName == name)) values[name] = optimizer.StateValues(parameter, name).FirstOrDefault();
            else if (StepCounters.Contains(name)) values[name] = optimizer.StepCount(parameter);
        }
        return values;
    }

    /// <summary>The optimizer's group state that the authors' param-group value <paramref name="name"/> is, or null.</summary>
    private static StateInfo? GroupStateOf(Optimizer optimizer, string name) =>
        optimizer.Info.States.FirstOrDefault(s => s.Layout == StateLayout.Group && s.TorchName == name);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
