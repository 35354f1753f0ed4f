using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>
/// Runs schedulers one after another, switching at milestone epochs, as PyTorch's <c>SequentialLR</c>: scheduler
/// <c>i</c> drives the epochs from <c>milestones[i - 1]</c> on, restarted at its own epoch 0. Linear warmup then
/// cosine decay is <c>new SequentialLR(opt, [new LinearLR(opt, ...), new CosineAnnealingLR(opt, ...)], [warmup])</c>,
/// or <see cref="LRSchedules.LinearWarmupCosine"/>.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] schedulers;
    private int[] milestones;

    /// <param name="optimizer">The optimizer all the schedulers drive.</param>
    /// <param name="schedulers">The schedulers, in order, made for <paramref name="optimizer"/>.</param>
    /// <param name="milestones">The epochs at which the next scheduler takes over: one fewer than the schedulers.</param>
    /// <param name="lastEpoch">-1 for a new run.</param>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer)
    {
        this.schedulers = CompositeChecks.Schedulers(nameof(SequentialLR), optimizer, schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException(
                $"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}.",
                nameof(milestones));
        this.milestones = [.. milestones];
        LastEpoch = checked(lastEpoch + 1);
        BaseLrValues = [.. this.schedulers[0].BaseLrs];

        // Back to the initial learning rates, and take back the initial step each scheduler made at its construction.
        var initialLrs = new double[optimizer.GroupCount];
        for (int g = 0; g < initialLrs.Length; g++) initialLrs[g] = optimizer.GetGroupValue(g, "initial_lr");
        optimizer.SetAll(ParamGroupValues.LearningRate, initialLrs);
        UndoInitialStep();

        // The initial step of the scheduler meant to run at epoch 0 only.
        var first = this.schedulers[BisectRight(this.milestones, 0)];
        first.RedoInitialStep();
        LastLrValues = [.. first.LastLr];
    }

    /// <summary>The schedulers, in order.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;

    /// <summary>The epochs at which the next scheduler takes over.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    /// <inheritdoc/>
    public override void Step()
    {
        CheckCounters();
        int epoch = LastEpoch + 1;
        int index = BisectRight(milestones, epoch);
        var scheduler = schedulers[index];
        if (index > 0 && milestones[index - 1] == epoch) scheduler.Restart();
        else scheduler.Step();
        LastEpoch = epoch;
        LastLrValues = [.. scheduler.LastLr];
    }

    /// <summary>Not supported: a sequence steps one epoch at a time (PyTorch's <c>SequentialLR.step</c> takes no epoch).</summary>
    public override void Step(int epoch) => throw new NotSupportedException($"{Name} steps one epoch at a time; call Step().");

    private protected override double[] ComputeLr() => throw new NotSupportedException($"{Name} has no learning-rate formula of its own.");

    private protected override void UpdateLr(int? epoch) => ComputeLr();

    internal override void UndoInitialStep()
    {
        foreach (var scheduler in schedulers) scheduler.UndoInitialStep();
    }

    internal override void RedoInitialStep() => Step();

    private static int BisectRight(int[] sorted, int value)
    {
        int count = 0;
        while (count < sorted.Length && sorted[count] <= value) count++;
        return count;
    }

    private protected override JsonObject WriteState()
    {
        var list = new JsonArray();
        foreach (int milestone in milestones) list.Add(milestone);
        return new JsonObject
        {
            ["_milestones"] = list,
            ["last_epoch"] = LastEpoch,
            ["_last_lr"] = StateWriter.Numbers(LastLrValues),
            ["_schedulers"] = CompositeChecks.WriteStates(schedulers),
        };
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int[] readMilestones = reader.Ints("_milestones");
        if (readMilestones.Length != schedulers.Length - 1)
            throw reader.Error("_milestones", $"has {readMilestones.Length} milestones; this sequence of {schedulers.Length} schedulers has {schedulers.Length - 1}");
        int lastEpoch = reader.Int("last_epoch", min: 0);
        double[] lastLr = reader.Doubles("_last_lr", Optimizer.GroupCount);
        var applyChildren = CompositeChecks.ReadStates(reader, schedulers);
        reader.End();
        return () =>
        {
            (milestones, LastEpoch, LastLrValues) = (readMilestones, lastEpoch, lastLr);
            applyChildren();
        };
    }
}

/// <summary>
/// Steps several schedulers together, each multiplying the learning rate the previous one set, as PyTorch's
/// <c>ChainedScheduler</c> (e.g. a constant warmup factor and an exponential decay at once).
/// </summary>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly LRScheduler[] schedulers;

    /// <param name="schedulers">The schedulers, stepped in this order, all made for the same optimizer.</param>
    public ChainedScheduler(IReadOnlyList<LRScheduler> schedulers)
        : this(schedulers, FirstOptimizer(schedulers))
    {
    }

    /// <param name="schedulers">The schedulers, stepped in this order, all made for <paramref name="optimizer"/>.</param>
    /// <param name="optimizer">The optimizer they drive.</param>
    public ChainedScheduler(IReadOnlyList<LRScheduler> schedulers, Optimizer optimizer)
        : base(optimizer)
    {
        this.schedulers = CompositeChecks.Schedulers(nameof(ChainedScheduler), optimizer, schedulers);
        BaseLrValues = [.. this.schedulers[0].BaseLrs];
        LastEpoch = this.schedulers[^1].LastEpoch;
        LastLrValues = GroupLrs();
    }

    /// <summary>The schedulers, in the order they are stepped.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;

    /// <summary>Steps every scheduler in order; if one fails, the others and the optimizer's groups are put back as they were.</summary>
    public override void Step()
    {
        var saved = StateDict();
        var groups = GroupValueSnapshot.Take(Optimizer);
        try
        {
            foreach (var scheduler in schedulers) scheduler.Step();
        }
        catch
        {
            LoadStateDict(saved);
            groups.Restore(Optimizer);
            throw;
        }
        LastEpoch = schedulers[^1].LastEpoch;
        LastLrValues = GroupLrs();
    }

    /// <summary>Not supported: a chain steps one epoch at a time (PyTorch's <c>ChainedScheduler.step</c> takes no epoch).</summary>
    public override void Step(int epoch) => throw new NotSupportedException($"{Name} steps one epoch at a time; call Step().");

    private protected override double[] ComputeLr() => throw new NotSupportedException($"{Name} has no learning-rate formula of its own.");

    private protected override void UpdateLr(int? epoch) => ComputeLr();

    internal override void UndoInitialStep()
    {
        foreach (var scheduler in schedulers) scheduler.UndoInitialStep();
    }

    internal override void RedoInitialStep() => Step();

    private static Optimizer FirstOptimizer(IReadOnlyList<LRScheduler> schedulers)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        if (schedulers.Count < 1) throw new ArgumentException("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.", nameof(schedulers));
        ArgumentNullException.ThrowIfNull(schedulers[0], nameof(schedulers));
        return schedulers[0].Optimizer;
    }

    private protected override JsonObject WriteState() => new()
    {
        ["_last_lr"] = StateWriter.Numbers(LastLrValues),
        ["_schedulers"] = CompositeChecks.WriteStates(schedulers),
    };

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        double[] lastLr = reader.Doubles("_last_lr", Optimizer.GroupCount);
        var applyChildren = CompositeChecks.ReadStates(reader, schedulers);
        reader.End();
        return () =>
        {
            applyChildren();
            LastLrValues = lastLr;
            LastEpoch = schedulers[^1].LastEpoch;
        };
    }
}

/// <summary>The learning rate and momentum of every group, to put back after a failed step.</summary>
internal sealed class GroupValueSnapshot
{
    private readonly (string Key, double[] Values)[] values;

    private GroupValueSnapshot((string, double[])[] values) => this.values = values;

    public static GroupValueSnapshot Take(Optimizer optimizer)
    {
        var keys = optimizer.MomentumKey() is { } momentum ? new[] { ParamGroupValues.LearningRate, momentum } : [ParamGroupValues.LearningRate];
        return new([.. keys.Select(key => (key, Enumerable.Range(0, optimizer.GroupCount).Select(g => optimizer.GetGroupValue(g, key)).ToArray()))]);
    }

    public void Restore(Optimizer optimizer)
    {
        foreach (var (key, groupValues) in values) optimizer.SetAll(key, groupValues);
    }
}

/// <summary>What <see cref="SequentialLR"/> and <see cref="ChainedScheduler"/> share: checking and saving their schedulers.</summary>
internal static class CompositeChecks
{
    public static LRScheduler[] Schedulers(string owner, Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        if (schedulers.Count < 1) throw new ArgumentException($"{owner} expects at least one scheduler, but got no scheduler.", nameof(schedulers));
        for (int i = 0; i < schedulers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(schedulers[i], nameof(schedulers));
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"{owner} expects all schedulers to belong to the same optimizer, but got scheduler {schedulers[i].GetType().Name} at index {i} of another optimizer.", nameof(schedulers));
        }
        return [.. schedulers];
    }

    public static JsonArray WriteStates(IEnumerable<LRScheduler> schedulers)
    {
        var states = new JsonArray();
        foreach (var scheduler in schedulers) states.Add(scheduler.StateDict());
        return states;
    }

    /// <summary>Checks every sub-scheduler's state before any is applied, so a bad one changes none.</summary>
    public static Action ReadStates(StateReader reader, LRScheduler[] schedulers)
    {
        var list = reader.List("_schedulers", schedulers.Length);
        var applies = new Action[schedulers.Length];
        for (int i = 0; i < schedulers.Length; i++)
        {
            if (list[i] is not JsonObject child) throw reader.Error("_schedulers", $"element {i} is not an object");
            applies[i] = schedulers[i].PrepareLoad(child);
        }
        return () =>
        {
            foreach (var apply in applies) apply();
        };
    }
}
