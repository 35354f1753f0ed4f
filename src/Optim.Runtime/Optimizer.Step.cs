using System;
using System.Collections.Generic;
using System.Numerics;
using ScratchOptim.Simd;
using ScratchOptim.Threading;

namespace ScratchOptim;

public abstract partial class Optimizer<THyper>
{
    /// <summary>Chunks per thread when a step is split: enough that threads which started late, or were interrupted, still finish together.</summary>
    private const int ChunksPerThread = 8;

    /// <summary>The largest chunk, in blocks (1 MiB of floats): beyond this, fewer chunks would only balance worse.</summary>
    private const int MaxChunkBlocks = 64;

    /// <summary>The drivers of the passes this optimizer's steps have run, one per pass type, kept from step to step.</summary>
    private object[] passes = [];

    /// <summary>The shape of the generated step (of a step that passes over the tensors once): its element phases, whether they split tensors, and their partial sums.</summary>
    /// <exception cref="NotSupportedException">The optimizer steps whole groups (<see cref="StepGroup"/>), in passes of their own.</exception>
    protected virtual StepSchedule Schedule => throw GroupWideOnly();

    /// <summary>
    /// Runs host segment <paramref name="segment"/> of one parameter's step: 0 before the first element phase (it
    /// allocates the state and computes what the phases read; the step count has just been incremented), k after
    /// phase k (it adds up the phase's <paramref name="partials"/> in block order). Runs on the calling thread, once
    /// per parameter.
    /// </summary>
    /// <exception cref="NotSupportedException">The optimizer steps whole groups (<see cref="StepGroup"/>), in passes of their own.</exception>
    protected virtual void StepHost<T>(int segment, THyper hyper, ParameterState state, Parameter<T> parameter, ReadOnlySpan<double> partials)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        throw GroupWideOnly();

    /// <summary>
    /// Runs element phase <paramref name="phase"/> (from 1) of one parameter's step over elements
    /// [<paramref name="from"/>, <paramref name="to"/>), with <typeparamref name="TVector"/> vectors: a block-aligned
    /// range, or the whole tensor when <see cref="StepSchedule.SplitsTensors"/> is false. Each block of the range
    /// writes its partial sums into <paramref name="partials"/>, in order. Runs on any thread, beside the other ranges.
    /// <typeparamref name="TPrefetch"/> says whether the loops ask for their data ahead of loading it.
    /// </summary>
    /// <exception cref="NotSupportedException">The optimizer steps whole groups (<see cref="StepGroup"/>), in passes of their own.</exception>
    protected virtual void StepElements<T, TVector, TPrefetch>(int phase, THyper hyper, ParameterState state, Parameter<T> parameter, int from, int to, Span<double> partials)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, ISimd<TVector, T>
        where TPrefetch : struct, IPrefetch =>
        throw GroupWideOnly();

    private NotSupportedException GroupWideOnly() => new($"{Info.Name} steps whole parameter groups (StepGroup), in passes of their own.");

    /// <inheritdoc/>
    public override void Step()
    {
        Enter(nameof(Step));
        try
        {
            // Check everything before touching any buffer.
            for (int g = 0; g < groups.Count; g++)
            {
                var parameters = groups[g].ParametersArray;
                for (int i = 0; i < parameters.Length; i++)
                {
                    if (parameters[i].HasGrad && groups[g].States[i].Step == int.MaxValue)
                        throw new InvalidOperationException(
                            $"{Info.Name}: parameter '{parameters[i]}' (group {g}, index {i}) has taken {int.MaxValue} steps, the most its step count can hold. Nothing was updated.");
                    if (parameters[i].HasGrad && StepRefusal(groups[g].Hyper, parameters[i], groups[g].States[i]) is { } refusal)
                        throw new InvalidOperationException($"{Info.Name}: {refusal} (parameter '{parameters[i]}', group {g}, index {i}). Nothing was updated.");
                    if (parameters[i].HasGrad && StateSizeRefusal(groups[g].Hyper, parameters[i]) is { } tooLarge)
                        throw new InvalidOperationException($"{Info.Name}: {tooLarge} (parameter '{parameters[i]}', group {g}, index {i}). Nothing was updated.");
                }
            }
            if (SharedHyperparameterRefusal(groups) is { } differing)
                throw new InvalidOperationException($"{Info.Name}: {differing}. Nothing was updated.");

            LastStepChunks = 0;
            LastStepPrefetched = false;
            // Every parameter with a gradient counts the step first: a group-wide step passes over them several times.
            bool any = false;
            foreach (var group in groups)
            {
                var parameters = group.ParametersArray;
                for (int i = 0; i < parameters.Length; i++)
                {
                    if (!parameters[i].HasGrad) continue;
                    group.States[i].Step++;
                    any = true;
                }
            }
            if (any) StepGroups(groups);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// One step of every parameter group, once the parameters with a gradient have counted it (at least one has). By
    /// default each group steps on its own (<see cref="StepGroup"/>), and a group none of whose parameters has a
    /// gradient is left as it is, its group state included. An optimizer whose group values span all its groups
    /// (<c>[Optimizer(AcrossGroups = true)]</c>) overrides this: its group code runs once per step, with the first
    /// group's hyperparameters and state (<see cref="Optimizer.SharedGroupState"/>), around passes over the tensors of every group
    /// (<see cref="ForEachTensor{TPhase}(IReadOnlyList{ParamGroup{THyper}}, ref TPhase)"/>), and every group then holds
    /// the new state (<see cref="Optimizer.ShareGroupState"/>).
    /// </summary>
    protected virtual void StepGroups(IReadOnlyList<ParamGroup<THyper>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        for (int g = 0; g < groups.Count; g++)
            if (groups[g].HasGradient) StepGroup(groups[g], groups[g].GroupState);
    }

    /// <summary>
    /// One step of one parameter group, whose parameters with a gradient have just counted it. By default one pass over
    /// its tensors runs the generated <see cref="StepHost"/> and <see cref="StepElements"/>; an optimizer whose update
    /// reads values of the whole group (group state, sums over all its tensors) overrides this and runs its own passes
    /// with <see cref="ForEachTensor{TPhase}(ParamGroup{THyper}, ref TPhase)"/>, with the group's host code between them.
    /// </summary>
    protected virtual void StepGroup(ParamGroup<THyper> group, GroupState state)
    {
        var pass = new TensorStep(this);
        ForEachTensor(group, ref pass);
    }

    /// <summary>
    /// Why the groups cannot take a step together, or null when they can. An optimizer whose group values span all its
    /// groups computes them with the first group's hyperparameters, so it refuses groups that differ in one of those
    /// (see <see cref="SharedHyperparameterDiffers"/>); this is checked before <see cref="Step"/> writes anything.
    /// </summary>
    protected virtual string? SharedHyperparameterRefusal(IReadOnlyList<ParamGroup<THyper>> groups) => null;

    /// <summary>The refusal for group <paramref name="group"/>, whose <paramref name="name"/> differs from the first group's.</summary>
    protected string SharedHyperparameterDiffers(IReadOnlyList<ParamGroup<THyper>> groups, int group, string name)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return $"hyperparameter '{name}' is {Describe(groups[0].Hyper.Get(name))} in group 0 but {Describe(groups[group].Hyper.Get(name))} in group {group}; "
            + $"{Info.Name} computes the values its groups share with the first group's hyperparameters, so every group needs the same '{name}'";

        static string Describe(object? value) => value switch
        {
            null => "null",
            double number => number.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>
    /// Runs <paramref name="phase"/> on every parameter with a gradient of every group in <paramref name="groups"/>, group
    /// after group (see <see cref="ForEachTensor{TPhase}(ParamGroup{THyper}, ref TPhase)"/>), each tensor with its own
    /// group's hyperparameters: what host code adds to <paramref name="phase"/>'s fields is added tensor after tensor, in
    /// the groups' order.
    /// </summary>
    protected void ForEachTensor<TPhase>(IReadOnlyList<ParamGroup<THyper>> groups, ref TPhase phase)
        where TPhase : struct, ITensorPhase<THyper>
    {
        ArgumentNullException.ThrowIfNull(groups);
        for (int g = 0; g < groups.Count; g++)
            if (groups[g].HasGradient) ForEachTensor(groups[g], ref phase);
    }

    /// <summary>
    /// Runs <paramref name="phase"/> on every parameter of <paramref name="group"/> that has a gradient, phase by phase
    /// over all of them: its host segment 0 on each tensor in the group's order (on this thread), then its element
    /// phase 1 over all of them in one dispatch of chunks over the threads, then host segment 1 on each tensor in order,
    /// and so on. What host code adds to <paramref name="phase"/>'s fields (the group's sums) is added tensor after
    /// tensor in the group's order, the same bits for any number of threads and any vector width.
    /// </summary>
    protected void ForEachTensor<TPhase>(ParamGroup<THyper> group, ref TPhase phase)
        where TPhase : struct, ITensorPhase<THyper>
    {
        ArgumentNullException.ThrowIfNull(group);
        var pass = PassOf<TPhase>();
        pass.Phase = phase;
        try
        {
            pass.Step(group);
            phase = pass.Phase;
        }
        finally
        {
            pass.Phase = default;
        }
    }

    /// <summary>The driver of passes of type <typeparamref name="TPhase"/>: made on the first step that runs one, then reused.</summary>
    private GroupPass<TPhase> PassOf<TPhase>()
        where TPhase : struct, ITensorPhase<THyper>
    {
        foreach (var pass in passes)
            if (pass is GroupPass<TPhase> found) return found;
        var created = new GroupPass<TPhase>(this);
        passes = [.. passes, created];
        return created;
    }

    /// <summary>The default step's one pass: the generated <see cref="StepHost"/> and <see cref="StepElements"/> on each tensor.</summary>
    private readonly struct TensorStep(Optimizer<THyper> optimizer) : ITensorPhase<THyper>
    {
        public StepSchedule Schedule => optimizer.Schedule;

        public void Host<T>(int segment, THyper hyper, ParameterState state, Parameter<T> parameter, ReadOnlySpan<double> partials)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
            optimizer.StepHost(segment, hyper, state, parameter, partials);

        public void Elements<T, TVector, TPrefetch>(int phase, THyper hyper, ParameterState state, Parameter<T> parameter, int from, int to, Span<double> partials)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
            where TVector : struct, ISimd<TVector, T>
            where TPrefetch : struct, IPrefetch =>
            optimizer.StepElements<T, TVector, TPrefetch>(phase, hyper, state, parameter, from, to, partials);
    }

    private protected override void FreeState()
    {
        foreach (var state in states.Values) state.Free();
    }

    /// <summary>
    /// One pass of type <typeparamref name="TPhase"/> over the tensors of a parameter group, phase by phase over all of
    /// them (see <see cref="ForEachTensor{TPhase}(ParamGroup{THyper}, ref TPhase)"/>). Its arrays are kept from step to step, so a step allocates nothing once
    /// the first has sized them.
    /// </summary>
    private sealed class GroupPass<TPhase> : IStepWork
        where TPhase : struct, ITensorPhase<THyper>
    {
        private readonly Optimizer<THyper> optimizer;
        private ParamGroup<THyper>? group;
        private StepSchedule schedule;
        private int phase;
        private bool prefetch;

        // The group's parameters that have a gradient (their indices), and the chunks of the current dispatch.
        private int[] tensors = [];
        private int tensorCount;
        private Chunk[] chunks = [];
        private int chunkCount;

        public GroupPass(Optimizer<THyper> optimizer) => this.optimizer = optimizer;

        /// <summary>The pass being run: its host code adds to its fields; the element phases only read the tensors' state.</summary>
        public TPhase Phase;

        public void Step(ParamGroup<THyper> group)
        {
            this.group = group;
            schedule = Phase.Schedule;
            var parameters = group.ParametersArray;
            if (tensors.Length < parameters.Length) tensors = new int[parameters.Length];
            tensorCount = 0;
            long elements = 0, bytes = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                if (!parameters[i].HasGrad) continue;
                tensors[tensorCount++] = i;
                elements += parameters[i].Length;
                bytes += (long)parameters[i].Length * (parameters[i].ElementType == ElementType.Float32 ? sizeof(float) : sizeof(double));
            }
            // Data this large has left the cache since the last step: the loops ask for it ahead.
            prefetch = bytes >= optimizer.PrefetchCutOver;
            optimizer.LastStepPrefetched |= prefetch;

            // Host code first, on this thread: it allocates the state (and the partial sums) the phases read elsewhere.
            for (int k = 0; k < tensorCount; k++) Host(0, tensors[k]);

            int threads = elements >= optimizer.ParallelCutOver ? optimizer.Threads : 1;
            PlanChunks(threads, elements);
            optimizer.LastStepChunks = Math.Max(optimizer.LastStepChunks, chunkCount);
            for (phase = 1; phase <= schedule.Phases; phase++)
            {
                if (threads > 1 && chunkCount > 1) StepWorkers.Shared.Run(this, chunkCount, threads);
                else for (int item = 0; item < chunkCount; item++) Run(item);
                // Each tensor's sums, and its share of the group's, tensor after tensor in the group's order.
                for (int k = 0; k < tensorCount; k++) Host(phase, tensors[k]);
            }
            this.group = null;
        }

        /// <summary>
        /// Splits the tensors into chunks: each tensor whole on one thread, or when the schedule allows, into runs of
        /// whole blocks sized for about <see cref="ChunksPerThread"/> chunks per thread. Block boundaries are vector
        /// boundaries, and the results do not depend on where the chunks end.
        /// </summary>
        private void PlanChunks(int threads, long elements)
        {
            long length = int.MaxValue;
            if (threads > 1 && schedule.SplitsTensors)
            {
                long blocks = (elements + threads * ChunksPerThread * (long)Reductions.BlockLength - 1) / (threads * ChunksPerThread * (long)Reductions.BlockLength);
                length = Math.Clamp(blocks, 1, MaxChunkBlocks) * (long)Reductions.BlockLength;
            }
            var parameters = group!.ParametersArray;
            int count = 0;
            for (int k = 0; k < tensorCount; k++) count += (int)Math.Max(1, (parameters[tensors[k]].Length + length - 1) / length);
            if (chunks.Length < count) chunks = new Chunk[count];
            chunkCount = 0;
            for (int k = 0; k < tensorCount; k++)
            {
                int tensorLength = parameters[tensors[k]].Length;
                int from = 0;
                do
                {
                    int to = (int)Math.Min(tensorLength, from + length);
                    chunks[chunkCount++] = new Chunk(tensors[k], from, to);
                    from = to;
                }
                while (from < tensorLength);
            }
        }

        /// <summary>Element phase <see cref="phase"/> over one chunk: called by the workers (and by this thread).</summary>
        public void Run(int item)
        {
            var chunk = chunks[item];
            var parameter = group!.ParametersArray[chunk.Tensor];
            var state = group.States[chunk.Tensor];
            var partials = PartialsOf(state, parameter.Length);
            if (schedule.SplitsTensors)
            {
                int first = chunk.From / (int)Reductions.BlockLength * schedule.PartialsPerBlock;
                partials = partials.Slice(first, Reductions.BlockCount(chunk.To - chunk.From) * schedule.PartialsPerBlock);
            }
            switch (parameter)
            {
                case Parameter<float> single:
                    Elements(single, state, chunk, partials);
                    break;
                case Parameter<double> real:
                    Elements(real, state, chunk, partials);
                    break;
            }
        }

        private void Elements<T>(Parameter<T> parameter, ParameterState state, Chunk chunk, Span<double> partials)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            switch (optimizer.VectorWidth ?? SimdSupport.Widest<T>())
            {
                case SimdWidth.Bits512:
                    Elements<T, Simd512<T>>(parameter, state, chunk, partials);
                    break;
                case SimdWidth.Bits256:
                    Elements<T, Simd256x2<T>>(parameter, state, chunk, partials);
                    break;
                case SimdWidth.Scalar:
                    Elements<T, SimdScalar<T>>(parameter, state, chunk, partials);
                    break;
                default:
                    Elements<T, Simd128x4<T>>(parameter, state, chunk, partials);
                    break;
            }
        }

        private void Elements<T, TVector>(Parameter<T> parameter, ParameterState state, Chunk chunk, Span<double> partials)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
            where TVector : struct, ISimd<TVector, T>
        {
            if (prefetch) Phase.Elements<T, TVector, PrefetchAhead>(phase, group!.Hyper, state, parameter, chunk.From, chunk.To, partials);
            else Phase.Elements<T, TVector, NoPrefetch>(phase, group!.Hyper, state, parameter, chunk.From, chunk.To, partials);
        }

        private void Host(int segment, int tensor)
        {
            var parameter = group!.ParametersArray[tensor];
            var state = group.States[tensor];
            var partials = PartialsOf(state, parameter.Length);
            switch (parameter)
            {
                case Parameter<float> single:
                    Phase.Host(segment, group.Hyper, state, single, partials);
                    break;
                case Parameter<double> real:
                    Phase.Host(segment, group.Hyper, state, real, partials);
                    break;
            }
        }

        /// <summary>A tensor's partial sums: one set per block, or one per tensor when the loops run row by row.</summary>
        private Span<double> PartialsOf(ParameterState state, int length) =>
            schedule.PartialsPerBlock == 0 ? default
            : state.Partials(schedule.PartialsPerBlock * (schedule.RowByRow ? 1 : Reductions.BlockCount(length)));

        private readonly record struct Chunk(int Tensor, int From, int To);
    }
}
