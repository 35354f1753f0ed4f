using System;
using System.Collections;
using System.Collections.Generic;

namespace ScratchOptim;

/// <summary>
/// Several parameter groups for one constructor call, as PyTorch's list of dictionaries
/// (<c>AdamW([{"params": weights}, {"params": biases, "weight_decay": 0.0}], lr=1e-3)</c>): each group is a list
/// of parameters and the hyperparameters it sets differently from the constructor's arguments, by declared or
/// PyTorch name.
/// </summary>
/// <example>
/// <code>
/// var optimizer = new AdamW(new ParameterGroups
/// {
///     weights,                                // the constructor's hyperparameters
///     { biases, ("weight_decay", 0.0) },      // its own weight decay
/// }, lr: 1e-3, weightDecay: 0.1);
/// </code>
/// </example>
/// <remarks>
/// An optimizer given a <see cref="ParameterGroups"/> where it takes a list of parameters adds every group, in
/// order, after checking all of them: one bad group or hyperparameter adds none. Enumerated as a list of
/// parameters, it yields every group's parameters in order.
/// </remarks>
public sealed class ParameterGroups : IEnumerable<Parameter>
{
    private readonly List<ParameterGroupSpec> groups = [];

    /// <summary>The groups, in the order they were added.</summary>
    public IReadOnlyList<ParameterGroupSpec> Groups => groups;

    /// <summary>Adds a group of <paramref name="parameters"/> with the constructor's hyperparameters, changed by <paramref name="hyperparameters"/>.</summary>
    /// <param name="parameters">The group's parameters.</param>
    /// <param name="hyperparameters">Settings that differ from the constructor's, e.g. <c>("weight_decay", 0.0)</c>.</param>
    public void Add(IEnumerable<Parameter> parameters, params (string Name, object? Value)[] hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        foreach (var (name, _) in hyperparameters)
            ArgumentNullException.ThrowIfNull(name, nameof(hyperparameters));
        groups.Add(new ParameterGroupSpec([.. parameters], [.. hyperparameters]));
    }

    /// <inheritdoc/>
    public IEnumerator<Parameter> GetEnumerator()
    {
        foreach (var group in groups)
            foreach (var parameter in group.Parameters)
                yield return parameter;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One group of a <see cref="ParameterGroups"/>: its parameters and the hyperparameters it sets.</summary>
/// <param name="Parameters">The group's parameters.</param>
/// <param name="Hyperparameters">The settings that differ from the optimizer's defaults, by declared or PyTorch name.</param>
public sealed record ParameterGroupSpec(IReadOnlyList<Parameter> Parameters, IReadOnlyList<(string Name, object? Value)> Hyperparameters);
