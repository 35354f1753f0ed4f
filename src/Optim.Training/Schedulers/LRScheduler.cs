using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>
/// Anything that sets an optimizer's learning rates over training and can be saved and restored: every
/// <see cref="LRScheduler"/>, and <see cref="ReduceLROnPlateau"/>.
/// </summary>
public abstract class Scheduler
{
    private protected Scheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.GroupCount == 0) throw new ArgumentException($"{optimizer.Info.Name} has no parameter groups to schedule.", nameof(optimizer));
        Optimizer = optimizer;
    }

    /// <summary>The optimizer whose parameter groups this scheduler drives.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The learning rate of each group after the last step (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLr => LastLrValues;

    private protected double[] LastLrValues { get; set; } = [];

    /// <summary>
    /// The scheduler's state, as PyTorch's <c>state_dict()</c>: the same keys and values (non-finite numbers as
    /// <c>"inf"</c>, <c>"-inf"</c>, <c>"nan"</c>). Functions (lambdas, a custom scale function) are not part of it.
    /// </summary>
    public JsonObject StateDict() => WriteState();

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/> (or PyTorch's <c>state_dict()</c> of the same scheduler
    /// class, written as JSON). Like PyTorch's <c>load_state_dict</c>, it does not change the optimizer: restore the
    /// optimizer's groups too (a checkpoint does both) for the run to continue exactly where it stopped.
    /// </summary>
    /// <exception cref="System.IO.InvalidDataException">
    /// The state does not fit this scheduler (a key missing, unknown or of the wrong type, lists of the wrong
    /// length); the message says which, and nothing was changed.
    /// </exception>
    public void LoadStateDict(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ReadState(state)();
    }

    /// <summary>Checks the whole state and returns the change that applies it; throws before anything changes.</summary>
    private protected abstract Action ReadState(JsonObject state);

    /// <summary>For schedulers made of others: check a sub-scheduler's state now, apply it later.</summary>
    internal Action PrepareLoad(JsonObject state) => ReadState(state);

    private protected abstract JsonObject WriteState();

    private protected string Name => GetType().Name;
}

/// <summary>
/// A learning-rate schedule stepped once per epoch or iteration, as PyTorch's <c>torch.optim.lr_scheduler.LRScheduler</c>:
/// construction performs the initial step (epoch 0), each <see cref="Step()"/> advances <see cref="LastEpoch"/>
/// and writes each group's new learning rate into the optimizer. Values are computed with PyTorch's formulas in
/// double precision, operation for operation, so they equal PyTorch's exactly.
/// </summary>
public abstract class LRScheduler : Scheduler
{
    /// <summary>For schedulers made of others (<see cref="SequentialLR"/>, <see cref="ChainedScheduler"/>).</summary>
    private protected LRScheduler(Optimizer optimizer) : base(optimizer)
    {
        BaseLrValues = [];
    }

    /// <summary>
    /// PyTorch's <c>LRScheduler.__init__</c> up to the initial step, which the derived constructor performs last
    /// (<see cref="InitialStep"/>) once its own fields are set.
    /// </summary>
    private protected LRScheduler(Optimizer optimizer, int lastEpoch) : base(optimizer)
    {
        if (lastEpoch < -1) throw new ArgumentOutOfRangeException(nameof(lastEpoch), lastEpoch, $"{Name}: last_epoch must be -1 (a new run) or the index of the last epoch done.");
        int groups = optimizer.GroupCount;
        if (lastEpoch == -1)
        {
            for (int g = 0; g < groups; g++)
                if (!optimizer.TryGetGroupValue(g, "initial_lr", out _)) optimizer.SetGroupValue(g, "initial_lr", optimizer.GetGroupValue(g, ParamGroupValues.LearningRate));
        }
        else
        {
            for (int g = 0; g < groups; g++)
                if (!optimizer.TryGetGroupValue(g, "initial_lr", out _))
                    throw new InvalidOperationException(
                        $"{Name}: param 'initial_lr' is not specified in param_groups[{g}] when resuming with last_epoch = {lastEpoch}: restore the optimizer's groups first, or set it with SetGroupValue({g}, \"initial_lr\", lr).");
        }
        BaseLrValues = new double[groups];
        for (int g = 0; g < groups; g++) BaseLrValues[g] = optimizer.GetGroupValue(g, "initial_lr");
        LastEpoch = lastEpoch;
    }

    /// <summary>Each group's learning rate at epoch 0 (PyTorch's <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLrs => BaseLrValues;

    private protected double[] BaseLrValues { get; set; }

    /// <summary>The index of the last epoch (or iteration) stepped; 0 right after construction.</summary>
    public int LastEpoch { get; private protected set; }

    /// <summary>How many times <see cref="Step()"/> ran, the initial step included (PyTorch's <c>_step_count</c>).</summary>
    public int StepCount { get; private protected set; }

    /// <summary>True only during the step construction performs (PyTorch's <c>_is_initial</c>).</summary>
    private protected bool IsInitial { get; private set; }

    /// <summary>Advances one epoch and sets each group's learning rate.</summary>
    /// <exception cref="InvalidOperationException">The epoch or step counter is at its limit, or the schedule is over; nothing changed.</exception>
    public virtual void Step()
    {
        CheckCounters();
        Transaction(() =>
        {
            StepCount++;
            UpdateLr(null);
        });
    }

    /// <summary>
    /// Jumps to <paramref name="epoch"/> and sets the learning rates from the closed-form formula where the
    /// schedule has one (PyTorch's deprecated <c>scheduler.step(epoch)</c>).
    /// </summary>
    public virtual void Step(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        CheckCounters();
        Transaction(() =>
        {
            StepCount++;
            UpdateLr(epoch);
        });
    }

    /// <summary>The learning rates of the next epoch, from the current ones (PyTorch's chainable <c>get_lr()</c>).</summary>
    private protected abstract double[] ComputeLr();

    /// <summary>The learning rates at <see cref="LastEpoch"/> from the base rates alone, or null when there is no closed form.</summary>
    private protected virtual double[]? ClosedFormLr() => null;

    /// <summary>The step construction performs: epoch 0 (or <c>last_epoch + 1</c> when resuming).</summary>
    private protected void InitialStep()
    {
        StepCount = 0;
        IsInitial = true;
        try
        {
            Step();
        }
        finally
        {
            IsInitial = false;
        }
    }

    /// <summary>PyTorch's <c>_update_lr(epoch)</c>: advance (or jump to <paramref name="epoch"/>) and write the learning rates.</summary>
    private protected virtual void UpdateLr(int? epoch)
    {
        double[] values;
        if (epoch is null)
        {
            LastEpoch++;
            values = ComputeLr();
        }
        else
        {
            LastEpoch = epoch.Value;
            values = ClosedFormLr() ?? ComputeLr();
        }
        Optimizer.SetAll(ParamGroupValues.LearningRate, values);
        LastLrValues = Optimizer.LearningRates();
    }

    /// <summary>Used by <see cref="SequentialLR"/> at a milestone: restart this schedule at epoch 0 without counting a step.</summary>
    internal void Restart() => Transaction(() => UpdateLr(0));

    /// <summary>Used by <see cref="SequentialLR"/>: take back the initial step a sub-scheduler made at its construction.</summary>
    internal virtual void UndoInitialStep() => LastEpoch--;

    /// <summary>Used by <see cref="SequentialLR"/>: perform the initial step again, for the scheduler that runs first.</summary>
    internal virtual void RedoInitialStep() => InitialStep();

    /// <summary>Runs <paramref name="change"/>; if it throws, puts the counters and rates back as they were.</summary>
    private protected void Transaction(Action change)
    {
        var saved = (LastEpoch, StepCount, LastLrValues, State: SaveExtraState());
        try
        {
            change();
        }
        catch
        {
            (LastEpoch, StepCount, LastLrValues) = (saved.LastEpoch, saved.StepCount, saved.LastLrValues);
            RestoreExtraState(saved.State);
            throw;
        }
    }

    /// <summary>State besides the counters that a step changes (e.g. <see cref="CosineAnnealingWarmRestarts"/>'s cycle), for <see cref="Transaction"/>.</summary>
    private protected virtual object? SaveExtraState() => null;

    private protected virtual void RestoreExtraState(object? state)
    {
    }

    private protected void CheckCounters()
    {
        if (LastEpoch == int.MaxValue || StepCount == int.MaxValue)
            throw new InvalidOperationException($"{Name}: the epoch counter is at its limit ({int.MaxValue}); nothing was changed.");
    }

    /// <summary>Writes the keys every PyTorch scheduler has, after the class's own.</summary>
    private protected void WriteBaseState(JsonObject state)
    {
        state["base_lrs"] = StateWriter.Numbers(BaseLrValues);
        state["last_epoch"] = LastEpoch;
        state["_step_count"] = StepCount;
        state["_is_initial"] = false;
        state["_get_lr_called_within_step"] = false;
        state["_last_lr"] = StateWriter.Numbers(LastLrValues);
    }

    /// <summary>Reads the keys <see cref="WriteBaseState"/> writes and returns the change that applies them.</summary>
    private protected Action ReadBaseState(StateReader reader)
    {
        int groups = Optimizer.GroupCount;
        double[] baseLrs = reader.Doubles("base_lrs", groups);
        int lastEpoch = reader.Int("last_epoch", min: -1);
        int stepCount = reader.Int("_step_count", min: 0);
        reader.Bool("_is_initial");
        reader.Bool("_get_lr_called_within_step");
        double[] lastLr = reader.Doubles("_last_lr", groups);
        return () =>
        {
            BaseLrValues = baseLrs;
            LastEpoch = lastEpoch;
            StepCount = stepCount;
            LastLrValues = lastLr;
        };
    }

    /// <summary>The current learning rate of every group (PyTorch's <c>_param_groups_val_list(optimizer, "lr")</c>).</summary>
    private protected double[] GroupLrs() => Optimizer.LearningRates();

    /// <summary>A per-group argument: one value for every group, or one per group.</summary>
    private protected static double[] PerGroup(Optimizer optimizer, string name, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count != optimizer.GroupCount)
            throw new ArgumentException($"{name} must have the same length as optimizer.param_groups. {name} has {values.Count} values, param_groups has {optimizer.GroupCount}.", name);
        return [.. values];
    }

    private protected static double[] PerGroup(Optimizer optimizer, double value)
    {
        var values = new double[optimizer.GroupCount];
        Array.Fill(values, value);
        return values;
    }
}
