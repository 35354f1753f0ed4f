using System.Collections.Generic;

namespace ScratchOptim;

/// <summary>Parameters that share one set of hyperparameters, as in PyTorch's <c>param_groups</c>.</summary>
/// <typeparam name="THyper">The optimizer's hyperparameter type.</typeparam>
public sealed class ParamGroup<THyper>
    where THyper : HyperparameterSet
{
    internal ParamGroup(Parameter[] parameters, ParameterState[] states, GroupState groupState, THyper hyper)
    {
        ParametersArray = parameters;
        States = states;
        GroupState = groupState;
        Hyper = hyper;
    }

    /// <summary>The group's parameters.</summary>
    public IReadOnlyList<Parameter> Parameters => ParametersArray;

    /// <summary>The group's hyperparameters; change them between steps (e.g. for a learning-rate schedule).</summary>
    public THyper Hyper { get; }

    internal Parameter[] ParametersArray { get; }

    internal ParameterState[] States { get; }

    /// <summary>The state of the group as a whole (optimizers with group state only).</summary>
    internal GroupState GroupState { get; }

    /// <summary>Whether some parameter of the group has a gradient (takes the next step).</summary>
    internal bool HasGradient
    {
        get
        {
            foreach (var parameter in ParametersArray)
                if (parameter.HasGrad) return true;
            return false;
        }
    }
}
