using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace ScratchOptim.Replay;

public sealed partial class ReferenceCase
{
    /// <summary>
    /// The keyword arguments passed to every <c>step()</c> (<c>extra.step_kwargs</c>: SophiaG's <c>bs</c>), which are
    /// settings here; empty for most cases.
    /// </summary>
    public IReadOnlyList<(string Name, object? Value)> StepArguments { get; }

    /// <summary>
    /// The gradients given to <c>update_hessian()</c> after each step (<c>extra.hessian_grads</c>, SophiaG's protocol):
    /// <c>HessianGrads[step][tensor]</c>, null on the steps without an update; null for a case without them.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double[]>?>? HessianGrads { get; }

    /// <summary>
    /// The parameters after <c>eval()</c> following the last step (<c>extra.eval_params_final</c>, Schedule-Free's
    /// protocol, which calls <c>train()</c> before the first step); null for a case without them.
    /// </summary>
    public IReadOnlyList<double[]>? EvalParams { get; }

    /// <summary>The param-group values after the last step (<c>final_group</c>: one object per group), or null.</summary>
    public JsonArray? FinalGroup { get; }

    /// <summary>The param-group values after each step (<c>group_history[step][group]</c>), or null.</summary>
    public JsonArray? GroupHistory { get; }

    private (IReadOnlyList<(string, object?)>, IReadOnlyList<IReadOnlyList<double[]>?>?, IReadOnlyList<double[]>?, JsonArray?, JsonArray?)
        ReadProtocol(string path, JsonObject json, int steps)
    {
        var extra = json["extra"] as JsonObject;
        var arguments = new List<(string, object?)>();
        if (extra?["step_kwargs"] is { } kwargs)
        {
            if (kwargs is not JsonObject named) throw Corrupt(path, "'extra.step_kwargs' is not an object of keyword arguments");
            foreach (var (name, value) in named) arguments.Add((name, Scalar(value)));
        }

        List<IReadOnlyList<double[]>?>? hessians = null;
        if (extra?["hessian_grads"] is { } hessianNode)
        {
            if (hessianNode is not JsonArray byStep || byStep.Count != steps)
                throw Corrupt(path, $"'extra.hessian_grads' is not a list of {steps} steps");
            hessians = [];
            foreach (var step in byStep)
            {
                var tensors = step is null ? null : ReadTensors(path, step, "extra.hessian_grads");
                if (tensors is not null) CheckLengths(path, tensors, "extra.hessian_grads");
                hessians.Add(tensors);
            }
        }

        IReadOnlyList<double[]>? evalParams = null;
        if (extra?["eval_params_final"] is { } evalNode)
        {
            evalParams = ReadTensors(path, evalNode, "extra.eval_params_final");
            CheckLengths(path, evalParams, "extra.eval_params_final");
        }

        var finalGroup = ReadGroups(path, json["final_group"], "final_group");
        JsonArray? history = null;
        if (json["group_history"] is { } historyNode)
        {
            if (historyNode is not JsonArray byStep || byStep.Count != steps)
                throw Corrupt(path, $"'group_history' is not a list of {steps} steps");
            foreach (var step in byStep) ReadGroups(path, step, "group_history");
            history = byStep;
        }
        return (arguments, hessians, evalParams, finalGroup, history);
    }

    /// <summary>A list of param groups, each an object of named numbers; null when absent.</summary>
    private static JsonArray? ReadGroups(string path, JsonNode? node, string field)
    {
        if (node is null) return null;
        if (node is not JsonArray groups) throw Corrupt(path, $"'{field}' is not a list of param groups");
        foreach (var group in groups)
        {
            if (group is not JsonObject values) throw Corrupt(path, $"'{field}' holds a param group that is not an object");
            foreach (var (name, value) in values)
            {
                if (value is not JsonValue number || number.GetValueKind() != System.Text.Json.JsonValueKind.Number)
                    throw Corrupt(path, $"'{field}' has a value '{name}' that is not a number");
            }
        }
        return groups;
    }
}
