using System.Numerics;
using ScratchOptim.Simd;

namespace ScratchOptim;

/// <summary>
/// One pass of a group-wide step over one tensor, as generated code declares it: a struct holding the group's values
/// the pass reads and the group sums it adds to. <see cref="Optimizer{THyper}.ForEachTensor{TPhase}"/> runs it on every
/// tensor of the group that has a gradient, in the group's order, on the chosen vectors.
/// </summary>
/// <typeparam name="THyper">The optimizer's hyperparameter type.</typeparam>
public interface ITensorPhase<THyper>
    where THyper : HyperparameterSet
{
    /// <summary>The pass over one tensor, whose step count has just been incremented, on <typeparamref name="TVector"/> vectors.</summary>
    void Step<T, TVector>(THyper hyper, ParameterState state, Parameter<T> parameter)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, ISimd<TVector, T>;
}
