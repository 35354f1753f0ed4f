using System;
using System.Numerics;
using ScratchOptim.Simd;

namespace ScratchOptim;

/// <summary>
/// One pass of a step over the tensors of a parameter group, in the pieces the runtime schedules: host code once per
/// tensor between element phases, and element phases over ranges of each tensor's elements. A group-wide step
/// (generated code) declares one struct per pass, holding the group's values the pass reads and the group sums it adds
/// to; <see cref="Optimizer{THyper}.ForEachTensor{TPhase}(ParamGroup{THyper}, ref TPhase)"/> runs it on every tensor of the
/// group that has a gradient (and its overload over several groups, on every tensor of each in turn).
/// </summary>
/// <typeparam name="THyper">The optimizer's hyperparameter type.</typeparam>
public interface ITensorPhase<THyper>
    where THyper : HyperparameterSet
{
    /// <summary>The shape of the pass: its element phases, whether they split tensors, and their partial sums.</summary>
    StepSchedule Schedule { get; }

    /// <summary>
    /// Host segment <paramref name="segment"/> of the pass on one tensor, whose step count has been incremented: 0
    /// before the first element phase (it allocates the state the phases read), k after phase k (it adds up the phase's
    /// <paramref name="partials"/> in block order, into the tensor's sums and the group's). Runs on the calling thread,
    /// tensor after tensor in the group's order.
    /// </summary>
    void Host<T>(int segment, THyper hyper, ParameterState state, Parameter<T> parameter, ReadOnlySpan<double> partials)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>
    /// Element phase <paramref name="phase"/> (from 1) of the pass over elements [<paramref name="from"/>,
    /// <paramref name="to"/>) of one tensor, on <typeparamref name="TVector"/> vectors: each block of the range writes its
    /// partial sums into <paramref name="partials"/>, in order. Runs on any thread, beside other ranges; it reads only
    /// what host code left in the tensor's <see cref="ParameterState"/>, never the struct's own fields.
    /// <typeparamref name="TPrefetch"/> says whether its loops ask for their data ahead of loading it.
    /// </summary>
    void Elements<T, TVector, TPrefetch>(int phase, THyper hyper, ParameterState state, Parameter<T> parameter, int from, int to, Span<double> partials)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, ISimd<TVector, T>
        where TPrefetch : struct, IPrefetch;
}
