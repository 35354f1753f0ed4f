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
    /// with their counterparts in the same parameter group here: its group state, or the value of each of its tensors;
    /// returns the first mismatch, or null.
    /// </summary>
    public static string? CompareGroup(ReferenceCase reference, int? step, Optimizer optimizer, Parameter[] parameters)
    {
        var groups = step is { } s ? reference.GroupHistory?[s] as JsonArray : reference.FinalGroup;
        if (groups is null) return null;
        string when = step is { } index ? $"after step {index + 1}" : "final";
        if (groups.Count != optimizer.GroupCount) return $"{when} param groups: {groups.Count} recorded, the replay has {optimizer.GroupCount}";
        for (int g = 0; g < groups.Count; g++)
        {
            // A case of one group names no group in its messages.
            string ofGroup = groups.Count == 1 ? "" : $" of param group {g}";
            foreach (var (name, value) in (JsonObject)groups[g]!)
            {
                if (GroupValuesNotKept.ContainsKey(name)) continue;
                double expected = value!.GetValue<double>();
                if (GroupStateOf(optimizer, name) is { } groupState)
                {
                    // Group state comes from sums over the group's tensors: within the case's tolerance, as the tensors.
                    if (optimizer.GroupStateValue(g, groupState.Name) is not { } kept) return $"{when} group state '{name}'{ofGroup} is missing";
                    if (CaseRunner.Compare(reference, [kept], [expected], $"{when} group state '{name}'{ofGroup}") is { } mismatch) return mismatch;
                    continue;
                }
                foreach (var parameter in optimizer.GroupParameters(g))
                {
                    double? actual = TensorValue(optimizer, parameter, name);
                    if (actual is null) return $"{when} param-group value '{name}' has no counterpart in {optimizer.Info.Name}";
                    // Group values are Python floats and ints: exact, whatever the case's tolerance for tensors.
                    if (actual.Value != expected)
                        return $"{when} param-group value '{name}'{ofGroup} of tensor {Array.IndexOf(parameters, parameter)}: got {Format(actual.Value)}, expected {Format(expected)}";
                }
            }
        }
        return null;
    }

    /// <summary>This replay's values of the recorded param-group values, one object per parameter group, in the result file.</summary>
    public static JsonArray GroupValues(ReferenceCase reference, Optimizer optimizer)
    {
        var groups = new JsonArray();
        var recordedGroups = reference.FinalGroup ?? reference.GroupHistory?[0] as JsonArray;
        for (int g = 0; g < optimizer.GroupCount; g++)
        {
            var values = new JsonObject();
            if (recordedGroups?.ElementAtOrDefault(g) is JsonObject recorded)
            {
                // A value kept per tensor is read from the group's first tensor, as the authors keep one for the group.
                var first = optimizer.GroupParameters(g)[0];
                foreach (var (name, _) in recorded)
                {
                    if (GroupStateOf(optimizer, name) is { } groupState) values[name] = optimizer.GroupStateValue(g, groupState.Name);
                    else if (TensorValue(optimizer, first, name) is { } value) values[name] = value;
                }
            }
            groups.Add(values);
        }
        return groups;
    }

    /// <summary>The counterpart of the authors' param-group value <paramref name="name"/> kept for one tensor (a state of that name, or the step count), or null.</summary>
    private static double? TensorValue(Optimizer optimizer, Parameter parameter, string name) =>
        optimizer.Info.States.Any(s => s.TorchName == name) ? optimizer.StateValues(parameter, name).FirstOrDefault()
        : StepCounters.Contains(name) ? optimizer.StepCount(parameter)
        : null;

    /// <summary>The optimizer's group state that the authors' param-group value <paramref name="name"/> is, or null.</summary>
    private static StateInfo? GroupStateOf(Optimizer optimizer, string name) =>
        optimizer.Info.States.FirstOrDefault(s => s.Layout == StateLayout.Group && s.TorchName == name);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
