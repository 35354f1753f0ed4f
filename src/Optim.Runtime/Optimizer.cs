using System;
using System.Collections.Generic;
using System.Threading;

namespace ScratchOptim;

/// <summary>
/// An optimizer over groups of <see cref="Parameter"/>s, as <c>torch.optim.Optimizer</c>: <see cref="Step"/> updates
/// every parameter that has a gradient, <see cref="ZeroGrad"/> clears the gradients.
/// </summary>
/// <remarks>
/// <b>Thread safety.</b> An optimizer is not thread-safe: use it from one thread at a time, as a training loop does.
/// Different optimizers (over different parameters) may step on different threads at once. Calling
/// <see cref="Step"/>, <see cref="LoadState(System.IO.Stream)"/>, <see cref="LoadState(Parameter, string, ReadOnlySpan{float}, int)"/>
/// or <see cref="SaveState"/> while another of them runs on the same optimizer is detected and throws an
/// <see cref="InvalidOperationException"/> naming the optimizer, before the second call writes anything.
/// </remarks>
public abstract partial class Optimizer
{
    /// <summary>1 while <see cref="Step"/>, <c>LoadState</c> or <see cref="SaveState"/> runs: the guard against concurrent calls.</summary>
    private int busy;

    /// <summary>The generated documentation of this optimizer.</summary>
    public abstract OptimizerInfo Info { get; }

    /// <summary>Every parameter of every group, in group order.</summary>
    public abstract IEnumerable<Parameter> Parameters { get; }

    /// <summary>The number of parameter groups.</summary>
    public abstract int GroupCount { get; }

    /// <summary>The hyperparameters of parameter group <paramref name="group"/>, to read or change by name.</summary>
    public abstract HyperparameterSet GroupHyperparameters(int group);

    /// <summary>The parameters of parameter group <paramref name="group"/>.</summary>
    public abstract IReadOnlyList<Parameter> GroupParameters(int group);

    /// <summary>
    /// Updates every parameter that has a gradient. All gradients are checked first: when one has the wrong length
    /// nothing is updated.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// A gradient's length differs from its parameter's, or another thread is in <see cref="Step"/>, <c>LoadState</c>
    /// or <see cref="SaveState"/> on this optimizer (see the remarks on thread safety); nothing was updated.
    /// </exception>
    public abstract void Step();

    /// <summary>
    /// Clears the gradients: sets them to null (the parameter is then skipped by <see cref="Step"/> until it gets a
    /// new gradient) or, with <paramref name="setToNone"/> false, fills them with zeros in place. PyTorch 1.13's
    /// default keeps the memory (<c>set_to_none=False</c>), and so does this one.
    /// </summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var parameter in Parameters)
        {
            if (setToNone) parameter.Grad = null;
            else parameter.Grad?.Span.Clear();
        }
    }

    /// <summary>How many steps <paramref name="parameter"/> has taken.</summary>
    /// <exception cref="ArgumentException">The parameter is not optimized by this optimizer.</exception>
    public int StepCount(Parameter parameter) => StateOf(parameter).Step;

    /// <summary>
    /// The state named <paramref name="name"/> (its declared name or PyTorch's) of <paramref name="parameter"/>: one
    /// value per element, or a single value for a per-tensor state; empty when it has not been allocated (before the
    /// first step, or when no branch that uses it can run).
    /// </summary>
    /// <exception cref="ArgumentException">The parameter is not optimized here, or there is no state of that name.</exception>
    public ReadOnlySpan<float> State(Parameter parameter, string name) => StateOf(parameter).Peek(StateIndex(name));

    /// <summary>
    /// Replaces a state buffer of <paramref name="parameter"/> with a copy of <paramref name="values"/> (e.g. when
    /// resuming from saved state), and its step count with <paramref name="step"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown parameter or state, or <paramref name="values"/> has the wrong length; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer; nothing is changed.</exception>
    public void LoadState(Parameter parameter, string name, ReadOnlySpan<float> values, int step)
    {
        Enter(nameof(LoadState));
        try
        {
            ReplaceState(parameter, name, values, step);
        }
        finally
        {
            Exit();
        }
    }

    private void ReplaceState(Parameter parameter, string name, ReadOnlySpan<float> values, int step)
    {
        var state = StateOf(parameter);
        int index = StateIndex(name);
        int expected = Info.States[index].PerTensor ? 1 : parameter.Length;
        if (values.Length != expected)
            throw new ArgumentException($"{Info.Name}: state '{name}' of parameter '{parameter}' needs {expected} values; got {values.Length}.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        state.Replace(index, values.ToArray());
        state.Step = step;
    }

    /// <summary>
    /// Marks this optimizer busy for <paramref name="operation"/>, or throws when a call of Step, LoadState or
    /// SaveState is already running on it: a cheap check (one interlocked exchange, no allocation) that turns a race
    /// between threads into an error before the second call writes anything.
    /// </summary>
    private protected void Enter(string operation)
    {
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"{Info.Name}: {operation} was called while Step, LoadState or SaveState is running on this optimizer in another thread. " +
                "An optimizer is not thread-safe: call these from one thread at a time. Nothing was changed by this call.");
        }
    }

    /// <summary>Ends what <see cref="Enter"/> began.</summary>
    private protected void Exit() => Volatile.Write(ref busy, 0);

    private protected abstract ParameterState StateOf(Parameter parameter);

    private int StateIndex(string name)
    {
        int index = StateIndexOrMinusOne(name);
        return index >= 0 ? index : throw new ArgumentException($"{Info.Name} has no state '{name}'.", nameof(name));
    }

    private int StateIndexOrMinusOne(string name)
    {
        var states = Info.States;
        for (int i = 0; i < states.Count; i++)
            if (states[i].Name == name || states[i].TorchName == name) return i;
        return -1;
    }
}

/// <summary>An optimizer whose parameter groups carry hyperparameters of type <typeparamref name="THyper"/>.</summary>
public abstract class Optimizer<THyper> : Optimizer
    where THyper : HyperparameterSet
{
    private readonly List<ParamGroup<THyper>> groups = [];
    private readonly Dictionary<Parameter, ParameterState> states = new(ReferenceEqualityComparer.Instance);

    /// <summary>The parameter groups, in the order they were added.</summary>
    public IReadOnlyList<ParamGroup<THyper>> ParamGroups => groups;

    /// <inheritdoc/>
    public override int GroupCount => groups.Count;

    /// <inheritdoc/>
    public override HyperparameterSet GroupHyperparameters(int group) => groups[group].Hyper;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> GroupParameters(int group) => groups[group].Parameters;

    /// <inheritdoc/>
    public override IEnumerable<Parameter> Parameters
    {
        get
        {
            foreach (var group in groups)
                foreach (var parameter in group.ParametersArray)
                    yield return parameter;
        }
    }

    /// <summary>
    /// Adds a group of parameters with its own hyperparameters: a copy of the optimizer's defaults, changed by
    /// <paramref name="configure"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is already optimized here, or listed twice.</exception>
    public ParamGroup<THyper> AddParamGroup(IEnumerable<Parameter> parameters, Action<THyper>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = new List<Parameter>(parameters);
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var parameter in list)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            if (states.ContainsKey(parameter) || !seen.Add(parameter))
                throw new ArgumentException($"{Info.Name}: parameter '{parameter}' is already in a parameter group; a parameter can be in only one.", nameof(parameters));
        }
        var hyper = CreateHyperparameters();
        configure?.Invoke(hyper);

        var groupStates = new ParameterState[list.Count];
        for (int i = 0; i < groupStates.Length; i++)
        {
            groupStates[i] = new ParameterState(Info.States.Count);
            states.Add(list[i], groupStates[i]);
        }
        var group = new ParamGroup<THyper>([.. list], groupStates, hyper);
        groups.Add(group);
        return group;
    }

    /// <inheritdoc/>
    public override void Step()
    {
        Enter(nameof(Step));
        try
        {
            StepGroups();
        }
        finally
        {
            Exit();
        }
    }

    private void StepGroups()
    {
        // Check every gradient before touching any buffer.
        for (int g = 0; g < groups.Count; g++)
        {
            var parameters = groups[g].ParametersArray;
            for (int i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].Grad is { } grad && grad.Length != parameters[i].Length)
                    throw new InvalidOperationException(
                        $"{Info.Name}: the gradient of parameter '{parameters[i]}' (group {g}, index {i}) has {grad.Length} elements; the parameter has {parameters[i].Length}. Nothing was updated.");
            }
        }

        foreach (var group in groups)
        {
            var parameters = group.ParametersArray;
            for (int i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].Grad is not { } grad) continue;
                var state = group.States[i];
                state.Step++;
                StepParameter(group.Hyper, state, parameters[i].Data.Span, grad.Span);
            }
        }
    }

    /// <summary>A copy of the optimizer's defaults for a new parameter group.</summary>
    protected abstract THyper CreateHyperparameters();

    /// <summary>Updates one parameter whose step count has just been incremented.</summary>
    protected abstract void StepParameter(THyper hyper, ParameterState state, Span<float> parameter, ReadOnlySpan<float> gradient);

    private protected override ParameterState StateOf(Parameter parameter) =>
        states.TryGetValue(parameter, out var state)
            ? state
            : throw new ArgumentException($"{Info.Name}: parameter '{parameter}' is not in any of its parameter groups.", nameof(parameter));
}
