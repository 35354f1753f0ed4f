using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using ScratchOptim.Optimizers;
using ScratchOptim.Threading;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// A step gives the same bits on any number of threads, for every optimizer of the catalog — those that sum over a
/// tensor (LAMB, LARS, NovoGrad, Adafactor...) included — and allocates nothing on any of them once its state exists.
/// The parallel cut-over is lowered to 0 so that even these small tensors are split into chunks of whole blocks, some
/// run by the workers: tensors of 5000 and 12 289 elements span two and four blocks and end in a scalar tail. One
/// thread runs without and with prefetching (its cut-over lowered to 0 too), which must not change a bit either, and
/// two, three and four threads alternate between the two: prefetching is a type parameter of the same loop, which
/// knows nothing of the chunk it runs on.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class ThreadCountTests
{
    private static readonly int[][] Shapes = [[1], [37], [5000], [12289], [5, 7], [9, 33], [70, 300]];
    private static readonly int[] ThreadCounts = [1, 2, 3, 4];

    /// <summary>The first is the reference the others must equal bit for bit.</summary>
    private static readonly (int Threads, bool Prefetch)[] Schedules = [(1, false), (1, true), (2, true), (3, false), (4, true)];

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Every_thread_count_gives_the_same_bits_in_float(string optimizerName, bool everythingOn, string choice) =>
        AssertSameForEveryThreadCount<float>(optimizerName, everythingOn, choice);

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Every_thread_count_gives_the_same_bits_in_double(string optimizerName, bool everythingOn, string choice) =>
        AssertSameForEveryThreadCount<double>(optimizerName, everythingOn, choice);

    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Step_allocates_nothing_on_any_thread_after_the_first_step(string optimizerName, bool everythingOn, string choice)
    {
        foreach (int threads in ThreadCounts)
        {
            var parameters = Parameters<float>(optimizerName, new Random(3));
            foreach (var parameter in parameters) parameter.Grad = Values<float>(new Random(4), parameter.Length);
            var optimizer = OptimizerConfigurations.Create(optimizerName, everythingOn, parameters, choice);
            optimizer.MaxThreads = threads;
            optimizer.ParallelCutOver = 0;
            // The first steps allocate the state; the next ones let the JIT settle on every thread.
            for (int i = 0; i < 5; i++) optimizer.Step();

            long allocated = AllocationCount.Of(() =>
            {
                for (int i = 0; i < 10; i++) optimizer.Step();
            });

            Assert.True(allocated == 0, $"{optimizerName} {choice} on {threads} threads allocated {allocated} bytes in 10 steps");
        }
    }

    [Fact]
    public void A_split_step_runs_in_chunks_of_whole_blocks()
    {
        var parameters = new[] { new Parameter<float>(new float[12289]) { Grad = new float[12289] }, new Parameter<float>(new float[37]) { Grad = new float[37] } };
        var adam = new Adam(parameters) { MaxThreads = 2, ParallelCutOver = 0 };
        adam.Step();
        // 12 289 elements on 2 threads: four chunks of a block each (the last of one element), and the small tensor.
        Assert.Equal(5, adam.LastStepChunks);

        adam.ParallelCutOver = 1_000_000;
        adam.Step();
        Assert.Equal(2, adam.LastStepChunks);
    }

    [Fact]
    public void A_step_prefetches_from_8_MiB_of_parameter_values_in_all_the_tensors_of_a_dispatch()
    {
        // 2M floats, and 1M doubles: 8 MiB, split over two tensors; one float fewer is below the cut-over.
        var second = new Parameter<float>(new float[1 << 20]) { Grad = new float[1 << 20] };
        var floats = new Adam([new Parameter<float>(new float[1 << 20]) { Grad = new float[1 << 20] }, second]);
        floats.Step();
        Assert.True(floats.LastStepPrefetched);
        // Only the tensors with a gradient count.
        second.Grad = null;
        floats.Step();
        Assert.False(floats.LastStepPrefetched);

        var doubles = new Adam([new Parameter<double>(new double[1 << 20]) { Grad = new double[1 << 20] }]);
        doubles.Step();
        Assert.True(doubles.LastStepPrefetched);

        var justBelow = new Adam([new Parameter<float>(new float[(1 << 21) - 1]) { Grad = new float[(1 << 21) - 1] }]);
        justBelow.Step();
        Assert.False(justBelow.LastStepPrefetched);
    }

    [Fact]
    public void Apply_on_a_tensor_past_the_prefetch_cut_over_gives_the_bits_of_a_step_without_prefetching()
    {
        const int length = (1 << 21) + 37; // past 8 MiB, ending in a scalar tail
        var random = new Random(8);
        var values = Values<float>(random, length);
        var gradient = Values<float>(random, length);
        var parameter = new Parameter<float>((float[])values.Clone()) { Grad = (float[])gradient.Clone() };
        var adam = new Adam([parameter], weightDecay: 0.01, amsgrad: true) { PrefetchCutOver = long.MaxValue };
        var hyper = adam.Defaults;
        float[] m = new float[length], v = new float[length], vMax = new float[length];
        for (int t = 1; t <= 2; t++)
        {
            adam.Step();
            Adam.Apply(hyper, t, values, gradient, m, v, vMax);
        }
        Assert.False(adam.LastStepPrefetched);
        Assert.Equal(Bits(parameter.Data.Span), Bits(values));
        Assert.Equal(Bits(adam.StateValues(parameter, "vMax").Select(x => (float)x).ToArray()), Bits(vMax));
    }

    [Fact]
    public void Two_optimizers_stepping_at_once_on_two_threads_give_the_bits_of_one_after_the_other()
    {
        static (Parameter<float>[] Parameters, Adam Optimizer) Create()
        {
            var random = new Random(5);
            var parameters = new[] { 40000, 3000, 17 }.Select(n => new Parameter<float>(Values<float>(random, n)) { Grad = Values<float>(random, n) }).ToArray();
            return (parameters, new Adam(parameters, weightDecay: 0.01) { MaxThreads = 2, ParallelCutOver = 0 });
        }
        var alone = Create();
        for (int i = 0; i < 20; i++) alone.Optimizer.Step();

        var first = Create();
        var second = Create();
        using var start = new Barrier(2);
        Parallel.Invoke(
            () => { start.SignalAndWait(); for (int i = 0; i < 20; i++) first.Optimizer.Step(); },
            () => { start.SignalAndWait(); for (int i = 0; i < 20; i++) second.Optimizer.Step(); });

        for (int p = 0; p < alone.Parameters.Length; p++)
        {
            Assert.Equal(Bits(alone.Parameters[p].Data.Span), Bits(first.Parameters[p].Data.Span));
            Assert.Equal(Bits(alone.Parameters[p].Data.Span), Bits(second.Parameters[p].Data.Span));
        }
    }

    [Fact]
    public void The_workers_run_items_beside_the_calling_thread()
    {
        // Item 0 waits until item 1 has started: only a second thread can start it.
        var work = new Rendezvous();
        StepWorkers.Shared.Run(work, items: 2, threads: 2);
        Assert.True(work.Met, "item 1 did not start while item 0 waited");
        Assert.NotEqual(work.Threads[0], work.Threads[1]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_item_runs_exactly_once_whatever_the_shares(int threads)
    {
        // The shares split the items unevenly for most counts; a thread that finishes its own takes the others' rest.
        for (int items = 1; items <= 67; items++)
        {
            var work = new Counting(items);
            StepWorkers.Shared.Run(work, items, threads);
            Assert.All(work.Runs, (runs, item) => Assert.True(runs == 1, $"{items} items on {threads} threads: item {item} ran {runs} times"));
        }
    }

    [Fact]
    public void A_worker_keeps_off_the_callers_processor_only_among_processors_it_was_allowed()
    {
        var apart = new ulong[2];
        // Allowed 0, 1 and 65; the caller on 1: the worker may use 0 and 65.
        Assert.True(ProcessorAffinity.Without([0b11, 0b10], 1, apart));
        Assert.Equal(new ulong[] { 0b01, 0b10 }, apart);
        // Allowed 65 alone, the caller on it: nowhere else to go.
        Assert.False(ProcessorAffinity.Without([0, 0b10], 65, apart));
        // The caller on a processor the worker was never allowed (or no processor at all): nothing to move off.
        Assert.False(ProcessorAffinity.Without([0b11, 0], 2, apart));
        Assert.False(ProcessorAffinity.Without([0b11, 0], -1, apart));
        Assert.False(ProcessorAffinity.Without([0b11, 0], 128, apart));
    }

    [Fact]
    public void A_worker_allocates_nothing_after_the_dispatch_that_started_it()
    {
        // A thread's first blocking wait allocates (64 bytes, once): a new worker must have made it before its first
        // dispatch ends, not in its first sleep after it, inside whatever a caller measures next (an in-process
        // MemoryDiagnoser). The workers here spin for 200 ms before they sleep, so that a new one reaches its first
        // dispatch awake, as on a quiet machine, and sleeps for the first time after it.
        var pool = new StepWorkers(TimeSpan.FromMilliseconds(200));
        pool.Run(new Rendezvous(), items: 2, threads: 2);
        var second = new Rendezvous();
        Thread.Sleep(400); // past the spin: the worker sleeps
        long before = pool.AllocatedBytes;
        pool.Run(second, items: 2, threads: 2);
        Assert.True(second.Met);
        Assert.Equal(before, pool.AllocatedBytes);
    }

    [Fact]
    public void An_exception_in_a_worker_reaches_the_caller_after_every_item_ended()
    {
        var work = new Throwing();
        var exception = Assert.Throws<InvalidOperationException>(() => StepWorkers.Shared.Run(work, items: 64, threads: 2));
        Assert.Equal("item 7", exception.Message);
        // The pool is free again.
        var rendezvous = new Rendezvous();
        StepWorkers.Shared.Run(rendezvous, items: 2, threads: 2);
        Assert.True(rendezvous.Met);
    }

    [Fact]
    public void Max_threads_is_validated()
    {
        var adam = new Adam([new Parameter<float>(new float[3])]);
        Assert.Null(adam.MaxThreads);
        adam.MaxThreads = 1;
        Assert.Equal(1, adam.MaxThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.MaxThreads = -2);
        Assert.Equal(1, adam.MaxThreads);
        adam.MaxThreads = null;
        Assert.Null(adam.MaxThreads);
    }

    private static void AssertSameForEveryThreadCount<T>(string optimizerName, bool everythingOn, string choice)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var runs = Schedules.Select(schedule => Run<T>(optimizerName, everythingOn, choice, schedule.Threads, schedule.Prefetch)).ToArray();
        for (int r = 1; r < runs.Length; r++)
        {
            for (int v = 0; v < runs[0].Length; v++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(runs[0][v]) == BitConverter.DoubleToInt64Bits(runs[r][v]),
                    $"{optimizerName} {choice} {typeof(T).Name}: value {v} is {runs[0][v]:R} on 1 thread without prefetching and {runs[r][v]:R} on {Schedules[r]}");
            }
        }
    }

    /// <summary>Every parameter and state value after a few steps, in a fixed order; two groups, one parameter without a gradient.</summary>
    private static double[] Run<T>(string optimizerName, bool everythingOn, string choice, int threads, bool prefetch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(17);
        var parameters = Parameters<T>(optimizerName, random);
        var optimizer = OptimizerConfigurations.Create(optimizerName, everythingOn, parameters[..^2], choice);
        AddGroup(optimizer, parameters[^2..], everythingOn, choice);
        // An optimizer that starts in evaluation mode (Schedule-Free) steps in train mode, its second group's tensors too.
        if (optimizer.Info.Procedures.Any(procedure => procedure.Name == "Train")) optimizer.RunProcedure("Train");
        optimizer.MaxThreads = threads;
        optimizer.ParallelCutOver = 0;
        optimizer.PrefetchCutOver = prefetch ? 0 : long.MaxValue;
        for (int step = 0; step < 3; step++)
        {
            foreach (var parameter in parameters) parameter.Grad = Values<T>(random, parameter.Length);
            // A parameter without a gradient is skipped, on any number of threads.
            if (step == 1) parameters[1].Grad = null;
            optimizer.Step();
        }
        if (threads > 1 && parameters.Any(p => p.Length > (int)Reductions.BlockLength))
            Assert.True(optimizer.LastStepChunks > 1, "the step was not split");
        Assert.Equal(prefetch, optimizer.LastStepPrefetched);
        // Every tensor's values and state, then each group's state (Prodigy's d, whose sums span the tensors of both groups).
        var tensorStates = optimizer.Info.States.Where(s => s.Layout != StateLayout.Group).ToArray();
        var groupStates = optimizer.Info.States.Where(s => s.Layout == StateLayout.Group).ToArray();
        return parameters.SelectMany(p => p.Data.ToArray().Select(x => double.CreateTruncating(x))
                .Concat(tensorStates.SelectMany(s => optimizer.StateValues(p, s.Name))))
            .Concat(Enumerable.Range(0, optimizer.GroupCount).SelectMany(g => groupStates.Select(s => optimizer.GroupStateValue(g, s.Name) ?? double.NaN)))
            .ToArray();
    }

    /// <summary>A second group, with the same settings, through the optimizer's typed AddParamGroup.</summary>
    private static void AddGroup(Optimizer optimizer, Parameter[] parameters, bool everythingOn, string choice)
    {
        var add = optimizer.GetType().GetMethod("AddParamGroup")!;
        var group = add.Invoke(optimizer, [parameters, null])!;
        var settings = (HyperparameterSet)group.GetType().GetProperty("Hyper")!.GetValue(group)!;
        if (everythingOn) OptimizerConfigurations.TurnEverythingOn(settings);
        if (choice.Length > 0) settings.Set(choice[..choice.IndexOf('=')], choice[(choice.IndexOf('=') + 1)..]);
        // MuonWithAuxAdam's Muon groups take matrices only (as the authors'): a group with a vector takes Adam steps.
        if (optimizer is MuonWithAuxAdam && parameters.Any(p => p.Shape.Count != 2)) settings.Set("useMuon", false);
    }

    /// <summary>The test's shapes that the optimizer takes (small matrices for matrix work), each filled with values in [-1, 1).</summary>
    private static Parameter<T>[] Parameters<T>(string optimizerName, Random random)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        return OptimizerConfigurations.ShapesFor(optimizerName, Shapes)
            .Select((shape, i) => new Parameter<T>(Values<T>(random, shape.Aggregate(1, (a, b) => a * b)), shape, $"p{i}")).ToArray();
    }

    private static T[] Values<T>(Random random, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, length).Select(_ => T.CreateTruncating(random.NextDouble() * 2 - 1)).ToArray();

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    private sealed class Rendezvous : IStepWork
    {
        private readonly ManualResetEventSlim secondStarted = new();

        public int[] Threads { get; } = new int[2];

        public bool Met { get; private set; }

        public void Run(int item)
        {
            Threads[item] = Environment.CurrentManagedThreadId;
            if (item == 1)
            {
                secondStarted.Set();
                return;
            }
            Met = secondStarted.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class Counting(int items) : IStepWork
    {
        public int[] Runs { get; } = new int[items];

        public void Run(int item) => Interlocked.Increment(ref Runs[item]);
    }

    private sealed class Throwing : IStepWork
    {
        public void Run(int item)
        {
            if (item == 7) throw new InvalidOperationException("item 7");
        }
    }
}
