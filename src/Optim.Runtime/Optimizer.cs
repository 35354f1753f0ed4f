using System;
using System.Collections.Generic;
using System.Numerics;
using System.Threading;
using ScratchOptim.Simd;
using ScratchOptim.Threading;

namespace ScratchOptim;

/// <summary>
/// An optimizer over groups of <see cref="Parameter"/>s, as <c>torch.optim.Optimizer</c>: <see cref="Step"/> updates
/// every parameter that has a gradient, <see cref="ZeroGrad"/> clears the gradients.
/// </summary>
/// <remarks>
/// <para><b>Thread safety.</b> An optimizer is not thread-safe: use it from one thread at a time, as a training loop does.
/// Different optimizers (over different parameters) may step on different threads at once. Calling
/// <see cref="Step"/>, <see cref="LoadState(System.IO.Stream)"/>, <see cref="LoadState{TValue}(Parameter, string, ReadOnlySpan{TValue}, int)"/>,
/// <see cref="SaveState(System.IO.Stream)"/> or <see cref="Dispose"/> while another of them runs on the same optimizer is
/// detected and throws an <see cref="InvalidOperationException"/> naming the optimizer, before the second call writes
/// anything.</para>
/// <para><b>Threads.</b> <see cref="Step"/> itself runs on every core (see <see cref="MaxThreads"/>), with the same
/// bits for any number of threads.</para>
/// <para><b>Memory.</b> The state lives in 64-byte-aligned native memory. <see cref="Dispose"/> frees it at once; an
/// optimizer dropped without it is freed by the garbage collector's finalizers, later.</para>
/// </remarks>
public abstract partial class Optimizer : IDisposable
{
    /// <summary>1 while <see cref="Step"/>, <c>LoadState</c>, <see cref="SaveState(System.IO.Stream)"/> or <see cref="Dispose"/> runs: the guard against concurrent calls.</summary>
    private int busy;

    private bool disposed;
    private int? maxThreads;
    private SimdWidth? vectorWidth;

    /// <summary>Whether <see cref="Dispose"/> has freed the state.</summary>
    private protected bool IsDisposed => disposed;

    /// <summary>
    /// The element count below which a step stays on the calling thread: waking the workers costs more than they save
    /// on less work than this (measured: docs/benchmarks.md). Lowered by the tests to split small tensors.
    /// </summary>
    internal int ParallelCutOver { get; set; } = DefaultParallelCutOver;

    /// <summary>The default of <see cref="ParallelCutOver"/>, in elements of all the tensors one dispatch updates.</summary>
    internal const int DefaultParallelCutOver = 64 * 1024;

    /// <summary>
    /// The bytes of parameter values (of all the tensors one dispatch updates) from which the element loops prefetch
    /// (<see cref="Simd.PrefetchAhead"/>). Set by the tests to run both schedules on one size.
    /// </summary>
    internal long PrefetchCutOver { get; set; } = Simd.PrefetchAhead.CutOver;

    /// <summary>Whether the last step's dispatches prefetched (for the tests: the cut-over must be seen to choose).</summary>
    internal bool LastStepPrefetched { get; private protected set; }

    /// <summary>The chunks the last step split its largest group into (for the tests: splitting must happen to be checked).</summary>
    internal int LastStepChunks { get; private protected set; }

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
    /// Adds a group of parameters with a copy of the optimizer's defaults, for code that does not know the optimizer's
    /// type (PyTorch's <c>add_param_group</c>); returns the group's hyperparameters, to change by name. Knowing the type,
    /// <see cref="Optimizer{THyper}.AddParamGroup"/> does the same with typed settings.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Optimizer{THyper}.AddParamGroup"/>.</exception>
    public abstract HyperparameterSet AddGroup(IEnumerable<Parameter> parameters);

    /// <summary>
    /// Updates every parameter that has a gradient. Everything is checked first: when a step count is at its limit,
    /// nothing is updated.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// A parameter's step count is at <see cref="int.MaxValue"/>, the optimizer cannot step in its present state (e.g.
    /// Schedule-Free before <c>Train()</c>), or another thread is in <see cref="Step"/>, <c>LoadState</c> or
    /// <see cref="SaveState(System.IO.Stream)"/> on this optimizer (see the remarks on thread safety); nothing was updated.
    /// </exception>
    public abstract void Step();

    /// <summary>
    /// Clears the gradients: sets them to null (the parameter is then skipped by <see cref="Step"/> until it gets a
    /// new gradient) or, with <paramref name="setToNone"/> false, fills them with zeros in place. PyTorch 1.13's
    /// default keeps the memory (<c>set_to_none=False</c>), and so does this one.
    /// </summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var parameter in Parameters) parameter.ClearGrad(setToNone);
    }

    /// <summary>
    /// The vector registers the kernels use: null (the default) for the widest this machine accelerates. Every width
    /// gives the same bits, so choosing one is only for checking that, or for comparing speed; a width the machine does
    /// not accelerate runs the kernels' scalar form, as <see cref="SimdWidth.Scalar"/> does everywhere.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of <see cref="SimdWidth"/>'s.</exception>
    public SimdWidth? VectorWidth
    {
        get => vectorWidth;
        set
        {
            if (value is { } width && !Enum.IsDefined(width))
                throw new ArgumentOutOfRangeException(nameof(VectorWidth), width, $"VectorWidth must be one of {string.Join(", ", Enum.GetNames<SimdWidth>())}, or null for the widest this machine accelerates.");
            vectorWidth = value;
        }
    }

    /// <summary>
    /// The most threads <see cref="Step"/> runs on, the calling thread included: null (the default) for one per core
    /// (<see cref="Environment.ProcessorCount"/>; one in a browser), 1 to stay on the calling thread. The results are
    /// the same bits for every value: elements are split into chunks on vector boundaries, and every sum is added in a
    /// fixed order that does not depend on the chunks (see <see cref="Reductions"/>). Small steps stay on the calling
    /// thread whatever this says, where waking the other threads would cost more than it saves.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int? MaxThreads
    {
        get => maxThreads;
        set
        {
            if (value is { } count) ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(MaxThreads));
            maxThreads = value;
        }
    }

    /// <summary>The threads a step may use: <see cref="MaxThreads"/>, or one per core.</summary>
    private protected int Threads => maxThreads ?? (OperatingSystem.IsBrowser() || OperatingSystem.IsWasi() ? 1 : Environment.ProcessorCount);

    /// <summary>How many steps <paramref name="parameter"/> has taken.</summary>
    /// <exception cref="ArgumentException">The parameter is not optimized by this optimizer.</exception>
    public int StepCount(Parameter parameter) => StateOf(parameter).Step;

    /// <summary>
    /// A copy of the state named <paramref name="name"/> (its declared name or PyTorch's) of <paramref name="parameter"/>,
    /// one value per element, row, column or tensor as the state's <see cref="StateInfo.Layout"/> says; empty when it has
    /// not been allocated (before the first step, or when no branch that uses it can run).
    /// </summary>
    /// <typeparam name="TValue">The type of its values (<see cref="StateInfo.ValueTypeFor"/>): float or double.</typeparam>
    /// <exception cref="ArgumentException">The parameter is not optimized here, there is no state of that name, or its values are not <typeparamref name="TValue"/>.</exception>
    public ReadOnlySpan<TValue> State<TValue>(Parameter parameter, string name)
    {
        int index = TensorStateIndex(name);
        var type = Info.States[index].ValueTypeFor(parameter.ElementType);
        if (type != typeof(TValue))
            throw new ArgumentException($"{Info.Name}: state '{name}' of parameter '{parameter}' holds {type.Name} values, not {typeof(TValue).Name}.", nameof(TValue));
        // The type was checked: float or double, as the state's values are.
        return StateOf(parameter).Peek(index) switch
        {
            null => ReadOnlySpan<TValue>.Empty,
            { ValueType: var values } buffer when values == typeof(float) => (TValue[])(object)buffer.ToArray<float>(),
            var buffer => (TValue[])(object)buffer.ToArray<double>(),
        };
    }

    /// <summary>The state named <paramref name="name"/> of <paramref name="parameter"/> as doubles (exact for float state too), or empty.</summary>
    /// <exception cref="ArgumentException">The parameter is not optimized here, or there is no state of that name.</exception>
    public double[] StateValues(Parameter parameter, string name)
    {
        var buffer = StateOf(parameter).Peek(TensorStateIndex(name));
        if (buffer?.ValueType == typeof(float)) return Array.ConvertAll(buffer.ToArray<float>(), value => (double)value);
        return buffer?.ValueType == typeof(double) ? buffer.ToArray<double>() : [];
    }

    /// <summary>
    /// Replaces a state buffer of <paramref name="parameter"/> with a copy of <paramref name="values"/> (e.g. when
    /// resuming from saved state), and its step count with <paramref name="step"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown parameter or state, values of the wrong type or length; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer; nothing is changed.</exception>
    public void LoadState<TValue>(Parameter parameter, string name, ReadOnlySpan<TValue> values, int step)
        where TValue : unmanaged
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

    private void ReplaceState<TValue>(Parameter parameter, string name, ReadOnlySpan<TValue> values, int step)
        where TValue : unmanaged
    {
        var state = StateOf(parameter);
        int index = TensorStateIndex(name);
        var info = Info.States[index];
        if (info.ValueTypeFor(parameter.ElementType) != typeof(TValue))
            throw new ArgumentException($"{Info.Name}: state '{name}' of parameter '{parameter}' holds {info.ValueTypeFor(parameter.ElementType).Name} values; got {typeof(TValue).Name}.", nameof(values));
        long expected = info.LengthFor(parameter);
        if (values.Length != expected)
            throw new ArgumentException($"{Info.Name}: state '{name}' of parameter '{parameter}' needs {expected} values; got {values.Length}.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        state.Replace(index, values);
        state.Step = step;
    }

    /// <summary>
    /// The group state named <paramref name="name"/> (its declared name or the reference's, e.g. Prodigy's <c>d</c>) of
    /// parameter group <paramref name="group"/>, as a double (exact for float state too); null before the group's first
    /// step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no group of that index.</exception>
    /// <exception cref="ArgumentException">There is no group state of that name.</exception>
    public double? GroupStateValue(int group, string name) => GroupStateOf(group).Peek(GroupStateIndex(name)) switch
    {
        float[] floats => floats[0],
        double[] doubles => doubles[0],
        _ => null,
    };

    /// <summary>
    /// Replaces the group state named <paramref name="name"/> of parameter group <paramref name="group"/> (e.g. when
    /// resuming); null makes it as before the group's first step (it starts at its initial value on the next). When the
    /// state spans all groups (<see cref="OptimizerInfo.AcrossGroups"/>), every group's copy is replaced.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no group of that index.</exception>
    /// <exception cref="ArgumentException">There is no group state of that name, or the value does not fit its type; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer; nothing is changed.</exception>
    public void LoadGroupState(int group, string name, double? value)
    {
        var state = GroupStateOf(group);
        int index = GroupStateIndex(name);
        var values = value is { } number ? GroupStateValues(Info.States[index], number, $"{Info.Name}: group state '{name}'") : null;
        Enter(nameof(LoadGroupState));
        try
        {
            if (Info.AcrossGroups)
            {
                GroupStateOf(0).Replace(index, values);
                ShareGroupState();
            }
            else
            {
                state.Replace(index, values);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Replaces the step count and every state buffer of <paramref name="parameter"/> at once (e.g. when resuming
    /// from a checkpoint): <paramref name="buffers"/> has one entry per state of <see cref="OptimizerInfo.States"/>,
    /// in that order, each null (not allocated, as before the first step that uses it) or an array of the state's
    /// value type and length, which the optimizer copies into its own (64-byte-aligned, native) memory.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Unknown parameter, a negative step count, or a buffer of the wrong type or length; nothing is changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer; nothing is changed.</exception>
    public void RestoreState(Parameter parameter, int step, IReadOnlyList<Array?> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        var state = StateOf(parameter);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var infos = Info.States;
        if (buffers.Count != infos.Count)
            throw new ArgumentException($"{Info.Name} keeps {infos.Count} states per parameter; got {buffers.Count} buffers.", nameof(buffers));
        for (int i = 0; i < infos.Count; i++)
        {
            if (buffers[i] is not { } buffer) continue;
            if (infos[i].Layout == StateLayout.Group)
                throw new ArgumentException($"{Info.Name}: state '{infos[i].TorchName}' is kept per parameter group, not per parameter: restore it with LoadGroupState and leave its entry null.", nameof(buffers));
            var type = infos[i].ValueTypeFor(parameter.ElementType);
            if (buffer.GetType() != type.MakeArrayType())
                throw new ArgumentException($"{Info.Name}: state '{infos[i].TorchName}' of parameter '{parameter}' holds {type.Name} values; got a {buffer.GetType().Name}.", nameof(buffers));
            if (buffer.Length != infos[i].LengthFor(parameter))
                throw new ArgumentException($"{Info.Name}: state '{infos[i].TorchName}' of parameter '{parameter}' needs {infos[i].LengthFor(parameter)} values; got {buffer.Length}.", nameof(buffers));
        }
        Enter(nameof(RestoreState));
        try
        {
            for (int i = 0; i < infos.Count; i++) state.Replace(i, buffers[i]);
            state.Step = step;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>A group state's single value as the array the group keeps it in, or an exception saying why it does not fit.</summary>
    private protected static Array GroupStateValues(StateInfo info, double value, string what)
    {
        if (info.Value != StateValue.Float32) return new[] { value };
        float single = (float)value;
        if (float.IsInfinity(single) && !double.IsInfinity(value))
            throw new ArgumentException($"{what} is a float; {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} does not fit.", nameof(value));
        return new[] { single };
    }

    /// <summary>
    /// Marks this optimizer busy for <paramref name="operation"/>, or throws when a call of Step, LoadState,
    /// RestoreState or SaveState is already running on it: a cheap check (one interlocked exchange, no allocation) that turns a race
    /// between threads into an error before the second call writes anything.
    /// </summary>
    private protected void Enter(string operation)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"{Info.Name}: {operation} was called while Step, LoadState, SaveState or a procedure is running on this optimizer in another thread. " +
                "An optimizer is not thread-safe: call these from one thread at a time. Nothing was changed by this call.");
        }
    }

    /// <summary>Ends what <see cref="Enter"/> began.</summary>
    private protected void Exit() => Volatile.Write(ref busy, 0);

    /// <summary>
    /// Frees the state's native memory now. The optimizer cannot be used afterwards: <see cref="Step"/>,
    /// <c>LoadState</c>, <c>SaveState</c> and the state accessors throw <see cref="ObjectDisposedException"/>.
    /// The parameters are the caller's and are left as they are. Calling it again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading or saving this optimizer.</exception>
    public void Dispose()
    {
        if (disposed) return;
        Enter(nameof(Dispose));
        try
        {
            FreeState();
            disposed = true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Frees every parameter's state buffers.</summary>
    private protected abstract void FreeState();

    internal abstract ParameterState StateOf(Parameter parameter);

    /// <exception cref="ArgumentOutOfRangeException">There is no group of that index.</exception>
    private protected abstract GroupState GroupStateOf(int group);

    /// <summary>
    /// The group state all groups share when it spans them (<see cref="OptimizerInfo.AcrossGroups"/>): the first group's,
    /// which the step reads and writes; the others hold copies (<see cref="ShareGroupState"/>).
    /// </summary>
    protected GroupState SharedGroupState => GroupStateOf(0);

    /// <summary>
    /// Copies the first group's state into every other group, as PyTorch keeps such values in every param group: after a
    /// step, a load, or a group added, so that every group's copy reads, saves and checkpoints as the one a step uses.
    /// </summary>
    protected void ShareGroupState()
    {
        for (int g = 1; g < GroupCount; g++) GroupStateOf(g).CopyFrom(GroupStateOf(0));
    }

    /// <summary>The index of a state kept per parameter, or an exception that says where else to look.</summary>
    private int TensorStateIndex(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int index = StateIndexOrMinusOne(name);
        if (index < 0) throw new ArgumentException($"{Info.Name} has no state '{name}'.", nameof(name));
        if (Info.States[index].Layout == StateLayout.Group)
            throw new ArgumentException($"{Info.Name}: state '{name}' is one value per parameter group; read it with GroupStateValue and load it with LoadGroupState.", nameof(name));
        return index;
    }

    /// <summary>The index of a state kept per parameter group, or an exception that says where else to look.</summary>
    private int GroupStateIndex(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int index = StateIndexOrMinusOne(name);
        if (index < 0) throw new ArgumentException($"{Info.Name} has no state '{name}'.", nameof(name));
        if (Info.States[index].Layout != StateLayout.Group)
            throw new ArgumentException($"{Info.Name}: state '{name}' is kept per parameter, not per group; read it with State or StateValues.", nameof(name));
        return index;
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
public abstract partial class Optimizer<THyper> : Optimizer
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
    /// <paramref name="configure"/>. Given a <see cref="ParameterGroups"/>, adds each of its groups (as
    /// <see cref="AddParamGroups"/>) and returns the last.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The list is empty, or a parameter is already optimized here, listed twice, shares memory with another, or has
    /// a number of dimensions the optimizer does not take (<see cref="OptimizerInfo.Ranks"/>).
    /// </exception>
    public ParamGroup<THyper> AddParamGroup(IEnumerable<Parameter> parameters, Action<THyper>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (parameters is ParameterGroups groupList) return AddParamGroups(groupList, configure)[^1];
        return AddGroups([(new List<Parameter>(parameters), [])], configure)[0];
    }

    /// <summary>
    /// Adds several groups at once (PyTorch's list of parameter groups), each with the optimizer's defaults changed
    /// by <paramref name="configure"/>, then by the group's own settings. Every group is checked before any is added.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// There is no group, a group is empty, a parameter is already optimized here, listed twice, shares memory with
    /// another or has a number of dimensions the optimizer does not take, or a group names a hyperparameter this
    /// optimizer does not have or gives it a value of the wrong type.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A group's hyperparameter is outside its range.</exception>
    public IReadOnlyList<ParamGroup<THyper>> AddParamGroups(ParameterGroups groups, Action<THyper>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Groups.Count == 0)
            throw new ArgumentException($"{Info.Name}: the list of parameter groups is empty; an optimizer needs at least one parameter.", nameof(groups));
        var specs = new List<(List<Parameter>, IReadOnlyList<(string, object?)>)>(groups.Groups.Count);
        foreach (var group in groups.Groups) specs.Add(([.. group.Parameters], group.Hyperparameters));
        return AddGroups(specs, configure);
    }

    /// <summary>Checks every group (parameters and settings), then adds them all.</summary>
    private ParamGroup<THyper>[] AddGroups(List<(List<Parameter> Parameters, IReadOnlyList<(string Name, object? Value)> Settings)> specs, Action<THyper>? configure)
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var added = new List<Parameter>();
        var hypers = new THyper[specs.Count];
        for (int s = 0; s < specs.Count; s++)
        {
            var list = specs[s].Parameters;
            string which = specs.Count > 1 ? $"parameter group {s}: " : "";
            if (list.Count == 0)
                throw new ArgumentException($"{Info.Name}: {which}the parameter list is empty; an optimizer needs at least one parameter in each group.", "parameters");
            foreach (var parameter in list)
            {
                ArgumentNullException.ThrowIfNull(parameter, "parameters");
                if (states.ContainsKey(parameter) || !seen.Add(parameter))
                    throw new ArgumentException($"{Info.Name}: {which}parameter '{parameter}' is already in a parameter group; a parameter can be in only one.", "parameters");
                if (parameter.Shape.Count < Info.MinRank || parameter.Shape.Count > Info.MaxRank)
                    throw new ArgumentException($"{Info.Name} takes {Info.Ranks} parameters; {which}'{parameter}' has {parameter.Shape.Count} dimension{(parameter.Shape.Count == 1 ? "" : "s")}.", "parameters");
            }
            // Two parameters over the same memory would be stepped twice, each time with the other's update mixed in.
            foreach (var parameter in list)
            {
                foreach (var other in Parameters)
                    if (parameter.Overlaps(other)) throw SharedMemory(parameter, other);
                foreach (var other in added)
                    if (parameter.Overlaps(other)) throw SharedMemory(parameter, other);
                added.Add(parameter);
            }
            hypers[s] = CreateHyperparameters();
            configure?.Invoke(hypers[s]);
            foreach (var (name, value) in specs[s].Settings) hypers[s].Set(name, value);
        }

        var result = new ParamGroup<THyper>[specs.Count];
        for (int s = 0; s < specs.Count; s++)
        {
            var list = specs[s].Parameters;
            var groupStates = new ParameterState[list.Count];
            for (int i = 0; i < groupStates.Length; i++)
            {
                groupStates[i] = new ParameterState(Info.States.Count);
                states.Add(list[i], groupStates[i]);
            }
            result[s] = new ParamGroup<THyper>([.. list], groupStates, new GroupState(Info.States.Count), hypers[s]);
            groups.Add(result[s]);
        }
        // A group added after steps holds the shared values at once, as the others do.
        if (Info.AcrossGroups) ShareGroupState();
        return result;
    }

    /// <inheritdoc/>
    public override HyperparameterSet AddGroup(IEnumerable<Parameter> parameters) => AddParamGroup(parameters).Hyper;

    private ArgumentException SharedMemory(Parameter parameter, Parameter other) =>
        new($"{Info.Name}: parameters '{parameter}' and '{other}' share memory; each would be updated twice in one step.", "parameters");

    /// <summary>A copy of the optimizer's defaults for a new parameter group.</summary>
    protected abstract THyper CreateHyperparameters();

    /// <summary>
    /// Why <paramref name="parameter"/> (its shape) with this state cannot take its next step, or null when it can: the
    /// declaration's <c>Require(condition, message)</c> checks, made for every parameter before <see cref="Step"/> writes
    /// anything.
    /// </summary>
    protected virtual string? StepRefusal(THyper hyper, Parameter parameter, ParameterState state) => null;

    /// <summary>
    /// Why the state a step would allocate for <paramref name="parameter"/> cannot be allocated, or null when it can: a
    /// matrix state (rows × rows, columns × columns or elements × elements) of a large parameter may need more values
    /// than a buffer holds. Generated for optimizers with matrix state, from the conditions under which each is
    /// allocated; checked for every parameter before <see cref="Step"/> writes anything.
    /// </summary>
    protected virtual string? StateSizeRefusal(THyper hyper, Parameter parameter) => null;

    /// <summary>
    /// The refusal of <see cref="StateSizeRefusal"/> for matrix state <paramref name="name"/> (PyTorch's
    /// <paramref name="torchName"/>), a <paramref name="side"/> × <paramref name="side"/> matrix over the parameter's
    /// <paramref name="sideName"/>, when it holds more values than a buffer can; null when it fits.
    /// </summary>
    protected static string? MatrixStateTooLarge(string name, string torchName, int side, string sideName)
    {
        long values = (long)side * side;
        return values <= int.MaxValue ? null
            : $"state '{name}' ({torchName}) would be a {side} × {side} matrix ({sideName} × {sideName}), {values} values; a state buffer holds at most {int.MaxValue}";
    }

    /// <summary>The dimensions of a parameter, for the generated kernels.</summary>
    protected static ReadOnlySpan<int> ShapeOf(Parameter parameter) => parameter.ShapeSpan;

    private protected override GroupState GroupStateOf(int group) =>
        group >= 0 && group < groups.Count ? groups[group].GroupState : throw new ArgumentOutOfRangeException(nameof(group), group, $"{Info.Name} has {groups.Count} parameter groups.");

    internal override ParameterState StateOf(Parameter parameter) =>
        states.TryGetValue(parameter, out var state)
            ? state
            : throw new ArgumentException($"{Info.Name}: parameter '{parameter}' is not in any of its parameter groups.", nameof(parameter));
}
