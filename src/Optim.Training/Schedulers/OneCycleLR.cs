using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>How <see cref="OneCycleLR"/> and <see cref="SWALR"/> move between two values.</summary>
public enum AnnealStrategy
{
    /// <summary>Along half a cosine.</summary>
    Cos,

    /// <summary>Along a straight line.</summary>
    Linear,
}

/// <summary>
/// The 1cycle policy (Smith and Topin 2017), as PyTorch's <c>OneCycleLR</c>: the learning rate rises from
/// <c>max_lr / div_factor</c> to <c>max_lr</c>, then anneals to <c>initial_lr / final_div_factor</c> (with
/// <c>three_phase</c>, back to the initial rate first), while the momentum (<c>momentum</c> or <c>betas[0]</c>)
/// moves the opposite way. Step it after every batch, <c>total_steps</c> times at most.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private Phase[] phases;

    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="maxLr">The peak learning rate of each group (or one for all): finite and not negative.</param>
    /// <param name="totalSteps">The number of steps of the cycle; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs of the cycle, with <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="stepsPerEpoch">Steps per epoch, with <paramref name="epochs"/>.</param>
    /// <param name="pctStart">The fraction of the cycle spent rising, in [0, 1].</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="cycleMomentum">Whether to cycle the momentum inversely to the learning rate.</param>
    /// <param name="baseMomentum">The lower momentum of each group (or one for all), in the momentum's range.</param>
    /// <param name="maxMomentum">The upper momentum of each group (or one for all), in the momentum's range, set at construction.</param>
    /// <param name="divFactor">The initial learning rate is <c>max_lr / div_factor</c>: finite and positive.</param>
    /// <param name="finalDivFactor">The final learning rate is <c>initial_lr / final_div_factor</c>: finite and positive.</param>
    /// <param name="threePhase">Whether to come back to the initial rate before annealing to the final one.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last step done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An argument is outside its range (NaN and ±∞ included; a momentum outside the optimizer's range for it); the
    /// message names it and its value, and nothing was written into the optimizer's groups.
    /// </exception>
    public OneCycleLR(
        Optimizer optimizer,
        IReadOnlyList<double> maxLr,
        int? totalSteps = null,
        int? epochs = null,
        int? stepsPerEpoch = null,
        double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        bool cycleMomentum = true,
        IReadOnlyList<double>? baseMomentum = null,
        IReadOnlyList<double>? maxMomentum = null,
        double divFactor = 25.0,
        double finalDivFactor = 1e4,
        bool threePhase = false,
        int lastEpoch = -1)
        : base(Prepare(optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, cycleMomentum, baseMomentum, maxMomentum,
            divFactor, finalDivFactor, lastEpoch, out int total, out string? momentumKey), lastEpoch)
    {
        TotalSteps = total;
        AnnealStrategy = annealStrategy;
        CycleMomentum = cycleMomentum;
        MomentumKey = momentumKey;
        phases = threePhase
            ?
            [
                new((double)(pctStart * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new((double)(2 * pctStart * total) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                new((double)(pctStart * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];
        InitialStep();
    }

    /// <summary>One peak learning rate and one momentum range for every group.</summary>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
        double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4,
        bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, PerGroup(optimizer, maxLr), totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
            PerGroup(optimizer, baseMomentum), PerGroup(optimizer, maxMomentum), divFactor, finalDivFactor, threePhase, lastEpoch)
    {
    }

    /// <summary>The number of steps of the cycle.</summary>
    public int TotalSteps { get; private set; }

    /// <summary>Cosine or linear annealing.</summary>
    public AnnealStrategy AnnealStrategy { get; private set; }

    /// <summary>Whether the momentum is cycled.</summary>
    public bool CycleMomentum { get; }

    /// <summary>The hyperparameter cycled as the momentum (<c>momentum</c> or <c>betas[0]</c>), when <see cref="CycleMomentum"/>.</summary>
    public string? MomentumKey { get; }

    /// <summary>Checks the arguments and writes the group values PyTorch's constructor writes, before the base constructor reads them.</summary>
    private static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps, int? epochs, int? stepsPerEpoch,
        double pctStart, bool cycleMomentum, IReadOnlyList<double>? baseMomentum, IReadOnlyList<double>? maxMomentum,
        double divFactor, double finalDivFactor, int lastEpoch, out int total, out string? momentumKey)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (totalSteps is not null)
        {
            if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"Expected positive integer total_steps, but got {totalSteps}.");
            total = totalSteps.Value;
        }
        else if (epochs is not null && stepsPerEpoch is not null)
        {
            if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Expected positive integer epochs, but got {epochs}.");
            if (stepsPerEpoch <= 0) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, $"Expected positive integer steps_per_epoch, but got {stepsPerEpoch}.");
            total = checked(epochs.Value * stepsPerEpoch.Value);
        }
        else
        {
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch).", nameof(totalSteps));
        }
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, $"Expected float between 0 and 1 pct_start, but got {ParamGroupValues.Format(pctStart)}.");

        double[] maxLrs = PerGroup(optimizer, "max_lr", maxLr);
        ScheduleArguments.FiniteNonNegative(maxLrs, nameof(maxLr), "The peak learning rate");
        // PyTorch divides by both as they are: 0 fails there, and a negative, infinite or NaN factor gives a
        // negative, zero or NaN rate that the optimizer would refuse only at the step reaching it.
        ScheduleArguments.FinitePositive(divFactor, nameof(divFactor), "div_factor (max_lr over the initial learning rate)");
        ScheduleArguments.FinitePositive(finalDivFactor, nameof(finalDivFactor), "final_div_factor (the initial over the final learning rate)");
        momentumKey = null;
        double[]? maxMomentums = null, baseMomentums = null;
        if (cycleMomentum)
        {
            momentumKey = optimizer.MomentumKey()
                ?? throw new ArgumentException($"{optimizer.Info.Name} has no momentum or beta1: optimizer must support momentum or beta1 with the cycle_momentum option enabled.", nameof(cycleMomentum));
            maxMomentums = PerGroup(optimizer, "max_momentum", maxMomentum ?? [.. PerGroup(optimizer, 0.95)]);
            baseMomentums = PerGroup(optimizer, "base_momentum", baseMomentum ?? [.. PerGroup(optimizer, 0.85)]);
            if (lastEpoch == -1)
            {
                // The momentum anneals between the two: both must be values the optimizer takes.
                optimizer.CheckArgument(momentumKey, maxMomentums, nameof(maxMomentum));
                optimizer.CheckArgument(momentumKey, baseMomentums, nameof(baseMomentum));
            }
        }

        if (lastEpoch == -1)
        {
            for (int g = 0; g < optimizer.GroupCount; g++)
            {
                double initialLr = maxLrs[g] / divFactor;
                optimizer.SetGroupValue(g, "initial_lr", initialLr);
                optimizer.SetGroupValue(g, "max_lr", maxLrs[g]);
                optimizer.SetGroupValue(g, "min_lr", initialLr / finalDivFactor);
            }
            if (cycleMomentum)
            {
                for (int g = 0; g < optimizer.GroupCount; g++)
                {
                    optimizer.SetGroupValue(g, momentumKey!, maxMomentums![g]);
                    optimizer.SetGroupValue(g, "max_momentum", maxMomentums[g]);
                    optimizer.SetGroupValue(g, "base_momentum", baseMomentums![g]);
                }
            }
        }
        return optimizer;
    }

    private protected override double[] ComputeLr()
    {
        int stepNumber = LastEpoch;
        if (stepNumber > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: tried to step {stepNumber} times; the specified number of total steps is {TotalSteps}. Nothing was changed.");

        int groups = Optimizer.GroupCount;
        var lrs = new double[groups];
        var momentums = CycleMomentum ? new double[groups] : null;
        for (int g = 0; g < groups; g++)
        {
            double startStep = 0.0;
            for (int i = 0; i < phases.Length; i++)
            {
                var phase = phases[i];
                if (stepNumber <= phase.EndStep || i == phases.Length - 1)
                {
                    double pct = (stepNumber - startStep) / (phase.EndStep - startStep);
                    lrs[g] = Anneal(Value(g, phase.StartLr), Value(g, phase.EndLr), pct);
                    if (momentums is not null) momentums[g] = Anneal(Value(g, phase.StartMomentum), Value(g, phase.EndMomentum), pct);
                    break;
                }
                startStep = phase.EndStep;
            }
        }
        if (momentums is not null)
        {
            for (int g = 0; g < groups; g++) Optimizer.CheckGroupValue(g, ParamGroupValues.LearningRate, lrs[g]);
            Optimizer.SetAll(MomentumKey!, momentums);
        }
        return lrs;
    }

    private double Value(int group, string key) => Optimizer.GetGroupValue(group, key);

    private double Anneal(double start, double end, double pct)
    {
        if (AnnealStrategy == AnnealStrategy.Linear) return (end - start) * pct + start;
        double cosOut = Math.Cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }

    private protected override JsonObject WriteState()
    {
        var phaseList = new JsonArray();
        foreach (var phase in phases)
        {
            phaseList.Add(new JsonObject
            {
                ["end_step"] = StateWriter.Number(phase.EndStep),
                ["start_lr"] = phase.StartLr,
                ["end_lr"] = phase.EndLr,
                ["start_momentum"] = phase.StartMomentum,
                ["end_momentum"] = phase.EndMomentum,
            });
        }
        var state = new JsonObject
        {
            ["total_steps"] = TotalSteps,
            ["_schedule_phases"] = phaseList,
            ["_anneal_func_type"] = AnnealStrategy == AnnealStrategy.Cos ? "cos" : "linear",
            ["cycle_momentum"] = CycleMomentum,
        };
        if (CycleMomentum) state["use_beta1"] = MomentumKey == "betas[0]";
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int totalSteps = reader.Int("total_steps", min: 1);
        var phaseList = reader.List("_schedule_phases", -1);
        if (phaseList.Count is not (2 or 3)) throw reader.Error("_schedule_phases", $"must have 2 or 3 phases; it has {phaseList.Count}");
        var readPhases = new Phase[phaseList.Count];
        string[] keys = ["initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"];
        for (int i = 0; i < readPhases.Length; i++)
        {
            if (phaseList[i] is not JsonObject phase) throw reader.Error("_schedule_phases", $"element {i} is not an object");
            var phaseReader = new StateReader(phase, $"{Name} phase {i}");
            readPhases[i] = new Phase(phaseReader.Double("end_step"), phaseReader.String("start_lr", keys), phaseReader.String("end_lr", keys),
                phaseReader.String("start_momentum", keys), phaseReader.String("end_momentum", keys));
            phaseReader.End();
        }
        var strategy = reader.String("_anneal_func_type", "cos", "linear") == "cos" ? AnnealStrategy.Cos : AnnealStrategy.Linear;
        bool cycleMomentum = reader.Bool("cycle_momentum");
        if (cycleMomentum != CycleMomentum)
            throw reader.Error("cycle_momentum", $"is {cycleMomentum.ToString().ToLowerInvariant()}; this scheduler was made with cycle_momentum = {CycleMomentum.ToString().ToLowerInvariant()}");
        if (cycleMomentum && reader.Bool("use_beta1") != (MomentumKey == "betas[0]"))
            throw reader.Error("use_beta1", $"does not match this optimizer, whose momentum is '{MomentumKey}'");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (TotalSteps, phases, AnnealStrategy) = (totalSteps, readPhases, strategy);
            apply();
        };
    }

    /// <summary>One phase of the cycle: where it ends and which group values it moves between.</summary>
    private sealed record Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum);
}

/// <summary>
/// The learning rate of stochastic weight averaging, as PyTorch's <c>torch.optim.swa_utils.SWALR</c>: anneals each
/// group's learning rate to its <c>swa_lr</c> over <c>anneal_epochs</c> epochs, then keeps it there. Use it with
/// <see cref="AveragedModel{T}"/>.
/// </summary>
public sealed class SWALR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="swaLr">The learning rate of each group (or one for all) once annealed.</param>
    /// <param name="annealEpochs">Epochs of the annealing; 0 switches at once.</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    public SWALR(Optimizer optimizer, IReadOnlyList<double> swaLr, int annealEpochs = 10, AnnealStrategy annealStrategy = AnnealStrategy.Cos, int lastEpoch = -1)
        : base(Prepare(optimizer, swaLr, annealEpochs), lastEpoch)
    {
        AnnealEpochs = annealEpochs;
        AnnealStrategy = annealStrategy;
        InitialStep();
    }

    /// <summary>One SWA learning rate for every group.</summary>
    public SWALR(Optimizer optimizer, double swaLr, int annealEpochs = 10, AnnealStrategy annealStrategy = AnnealStrategy.Cos, int lastEpoch = -1)
        : this(optimizer, PerGroup(optimizer, swaLr), annealEpochs, annealStrategy, lastEpoch)
    {
    }

    /// <summary>Epochs of the annealing.</summary>
    public int AnnealEpochs { get; private set; }

    /// <summary>Cosine or linear annealing.</summary>
    public AnnealStrategy AnnealStrategy { get; private set; }

    private static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> swaLr, int annealEpochs)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double[] swaLrs = PerGroup(optimizer, "swa_lr", swaLr);
        if (annealEpochs < 0) throw new ArgumentOutOfRangeException(nameof(annealEpochs), annealEpochs, $"anneal_epochs must be equal or greater than 0, got {annealEpochs}.");
        optimizer.CheckArgument(ParamGroupValues.LearningRate, swaLrs, nameof(swaLr));
        for (int g = 0; g < swaLrs.Length; g++) optimizer.SetGroupValue(g, "swa_lr", swaLrs[g]);
        return optimizer;
    }

    private double Anneal(double t) => AnnealStrategy == AnnealStrategy.Linear ? t : (1 - Math.Cos(Math.PI * t)) / 2;

    private protected override double[] ComputeLr()
    {
        int step = StepCount - 1;
        if (AnnealEpochs == 0) step = Math.Max(1, step);
        int span = Math.Max(1, AnnealEpochs);
        double prevAlpha = Anneal(Math.Max(0, Math.Min(1, (double)(step - 1) / span)));
        double alpha = Anneal(Math.Max(0, Math.Min(1, (double)step / span)));
        var lrs = GroupLrs();
        for (int g = 0; g < lrs.Length; g++)
        {
            double swaLr = Optimizer.GetGroupValue(g, "swa_lr");
            // The learning rate the annealing started from, recovered from the previous step's.
            double previous = prevAlpha == 1 ? swaLr : (lrs[g] - prevAlpha * swaLr) / (1 - prevAlpha);
            lrs[g] = swaLr * alpha + previous * (1 - alpha);
        }
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject
        {
            ["_anneal_strategy"] = AnnealStrategy == AnnealStrategy.Cos ? "cos" : "linear",
            ["anneal_epochs"] = AnnealEpochs,
        };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        var strategy = reader.String("_anneal_strategy", "cos", "linear") == "cos" ? AnnealStrategy.Cos : AnnealStrategy.Linear;
        int annealEpochs = reader.Int("anneal_epochs", min: 0);
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (AnnealStrategy, AnnealEpochs) = (strategy, annealEpochs);
            apply();
        };
    }
}
