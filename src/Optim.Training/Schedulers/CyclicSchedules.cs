using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>The shape of a <see cref="CyclicLR"/> cycle.</summary>
public enum CyclicMode
{
    /// <summary>A triangle of constant height.</summary>
    Triangular,

    /// <summary>A triangle whose height halves every cycle.</summary>
    Triangular2,

    /// <summary>A triangle whose height is scaled by <c>gamma^iteration</c>.</summary>
    ExpRange,
}

/// <summary>What a custom <see cref="CyclicLR"/> scale function is evaluated at.</summary>
public enum CyclicScaleMode
{
    /// <summary>The cycle number (1, 2, ...).</summary>
    Cycle,

    /// <summary>The iteration (the scheduler's last epoch).</summary>
    Iterations,
}

/// <summary>
/// Cyclical learning rates (Smith 2015), as PyTorch's <c>CyclicLR</c>: the learning rate goes from <c>base_lr</c>
/// up to <c>max_lr</c> over <c>step_size_up</c> iterations and back down over <c>step_size_down</c>, and the
/// momentum (<c>momentum</c>, or <c>betas[0]</c> for Adam-like optimizers) moves the opposite way between
/// <c>max_momentum</c> and <c>base_momentum</c>. Step it after every batch.
/// </summary>
public sealed class CyclicLR : LRScheduler
{
    private readonly Func<double, double>? customScale;
    private double[] maxLrs;
    private double[]? baseMomentums;
    private double[]? maxMomentums;

    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="baseLr">The lower learning rate of each group (or one for all), set at construction.</param>
    /// <param name="maxLr">The upper learning rate of each group (or one for all): finite and not negative.</param>
    /// <param name="stepSizeUp">Iterations of the rising half.</param>
    /// <param name="stepSizeDown">Iterations of the falling half; null for the same as <paramref name="stepSizeUp"/>.</param>
    /// <param name="mode">The shape of the cycle (ignored when <paramref name="scaleFn"/> is given).</param>
    /// <param name="gamma">The base of <see cref="CyclicMode.ExpRange"/>'s scale: finite and not negative.</param>
    /// <param name="scaleFn">A custom scale of the cycle's height, or null for <paramref name="mode"/>'s.</param>
    /// <param name="scaleMode">What <paramref name="scaleFn"/> is evaluated at.</param>
    /// <param name="cycleMomentum">Whether to cycle the momentum inversely to the learning rate.</param>
    /// <param name="baseMomentum">The lower momentum of each group (or one for all), in the momentum's range.</param>
    /// <param name="maxMomentum">The upper momentum of each group (or one for all), in the momentum's range, set at construction.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last iteration done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An argument is outside its range (NaN and ±∞ included; a learning rate or momentum outside the optimizer's
    /// range for it); nothing was written into the optimizer's groups.
    /// </exception>
    public CyclicLR(
        Optimizer optimizer,
        IReadOnlyList<double> baseLr,
        IReadOnlyList<double> maxLr,
        int stepSizeUp = 2000,
        int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular,
        double gamma = 1.0,
        Func<double, double>? scaleFn = null,
        CyclicScaleMode scaleMode = CyclicScaleMode.Cycle,
        bool cycleMomentum = true,
        IReadOnlyList<double>? baseMomentum = null,
        IReadOnlyList<double>? maxMomentum = null,
        int lastEpoch = -1)
        : base(Prepare(optimizer, baseLr, maxLr, stepSizeUp, stepSizeDown, gamma, cycleMomentum, baseMomentum, maxMomentum, lastEpoch,
            out var baseLrs, out var checkedMaxLrs, out var checkedBaseMomentums, out var checkedMaxMomentums), lastEpoch)
    {
        maxLrs = checkedMaxLrs;
        double up = stepSizeUp;
        double down = stepSizeDown ?? up;
        TotalSize = up + down;
        StepRatio = up / TotalSize;
        Mode = mode;
        Gamma = gamma;
        customScale = scaleFn;
        ScaleMode = scaleFn is null ? DefaultScaleMode(mode) : scaleMode;

        CycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            MomentumKey = optimizer.MomentumKey()!;
            baseMomentums = checkedBaseMomentums!;
            maxMomentums = checkedMaxMomentums!;
            if (lastEpoch == -1)
            {
                for (int g = 0; g < optimizer.GroupCount; g++)
                {
                    optimizer.SetGroupValue(g, MomentumKey, maxMomentums[g]);
                    optimizer.SetGroupValue(g, "max_momentum", maxMomentums[g]);
                    optimizer.SetGroupValue(g, "base_momentum", baseMomentums[g]);
                }
            }
        }
        InitialStep();
        BaseLrValues = baseLrs;
    }

    /// <summary>One base and one maximum learning rate for every group.</summary>
    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, Func<double, double>? scaleFn = null,
        CyclicScaleMode scaleMode = CyclicScaleMode.Cycle, bool cycleMomentum = true, double baseMomentum = 0.8,
        double maxMomentum = 0.9, int lastEpoch = -1)
        : this(optimizer, PerGroup(optimizer, baseLr), PerGroup(optimizer, maxLr), stepSizeUp, stepSizeDown, mode, gamma,
            scaleFn, scaleMode, cycleMomentum, PerGroup(optimizer, baseMomentum), PerGroup(optimizer, maxMomentum), lastEpoch)
    {
    }

    /// <summary>The shape of the cycle.</summary>
    public CyclicMode Mode { get; private set; }

    /// <summary>The base of <see cref="CyclicMode.ExpRange"/>'s scale.</summary>
    public double Gamma { get; private set; }

    /// <summary>What the scale function is evaluated at.</summary>
    public CyclicScaleMode ScaleMode { get; private set; }

    /// <summary>Iterations of a whole cycle.</summary>
    public double TotalSize { get; private set; }

    /// <summary>The rising fraction of a cycle.</summary>
    public double StepRatio { get; private set; }

    /// <summary>Whether the momentum is cycled.</summary>
    public bool CycleMomentum { get; private set; }

    /// <summary>The hyperparameter cycled as the momentum (<c>momentum</c> or <c>betas[0]</c>), when <see cref="CycleMomentum"/>.</summary>
    public string? MomentumKey { get; }

    /// <summary>
    /// Checks every argument, then sets each group's learning rate to its base rate before the base constructor
    /// reads it (PyTorch does this first, too).
    /// </summary>
    private static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> baseLr, IReadOnlyList<double> maxLr, int stepSizeUp,
        int? stepSizeDown, double gamma, bool cycleMomentum, IReadOnlyList<double>? baseMomentum, IReadOnlyList<double>? maxMomentum,
        int lastEpoch, out double[] baseLrs, out double[] maxLrs, out double[]? baseMomentums, out double[]? maxMomentums)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        baseLrs = PerGroup(optimizer, "base_lr", baseLr);
        maxLrs = PerGroup(optimizer, "max_lr", maxLr);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSizeUp);
        if (stepSizeDown is <= 0) throw new ArgumentOutOfRangeException(nameof(stepSizeDown), stepSizeDown, "step_size_down must be positive.");
        // Each rate lies between the base and the maximum rate (the base rate is checked as it is set below).
        ScheduleArguments.FiniteNonNegative(maxLrs, nameof(maxLr), "The upper learning rate");
        ScheduleArguments.Gamma(gamma);
        baseMomentums = maxMomentums = null;
        if (cycleMomentum)
        {
            string momentumKey = optimizer.MomentumKey()
                ?? throw new ArgumentException($"{optimizer.Info.Name} has no momentum or beta1: optimizer must support momentum or beta1 with the cycle_momentum option enabled.", nameof(cycleMomentum));
            baseMomentums = PerGroup(optimizer, "base_momentum", baseMomentum ?? [.. PerGroup(optimizer, 0.8)]);
            maxMomentums = PerGroup(optimizer, "max_momentum", maxMomentum ?? [.. PerGroup(optimizer, 0.9)]);
            // Every step's momentum lies between the two, resumed or not: both must be values the optimizer takes.
            optimizer.CheckArgument(momentumKey, maxMomentums, nameof(maxMomentum));
            optimizer.CheckArgument(momentumKey, baseMomentums, nameof(baseMomentum));
        }
        if (lastEpoch == -1) optimizer.SetAll(ParamGroupValues.LearningRate, baseLrs);
        return optimizer;
    }

    private static CyclicScaleMode DefaultScaleMode(CyclicMode mode) =>
        mode == CyclicMode.ExpRange ? CyclicScaleMode.Iterations : CyclicScaleMode.Cycle;

    private double Scale(double x) => customScale is not null ? customScale(x) : Mode switch
    {
        CyclicMode.Triangular => 1.0,
        CyclicMode.Triangular2 => 1 / Math.Pow(2.0, x - 1),
        _ => Math.Pow(Gamma, x),
    };

    private protected override double[] ComputeLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / TotalSize);
        double x = 1.0 + LastEpoch / TotalSize - cycle;
        double scaleFactor = x <= StepRatio ? x / StepRatio : (x - 1) / (StepRatio - 1);
        double scale = Scale(ScaleMode == CyclicScaleMode.Cycle ? cycle : LastEpoch);

        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++)
        {
            double baseHeight = (maxLrs[g] - BaseLrValues[g]) * scaleFactor;
            lrs[g] = BaseLrValues[g] + baseHeight * scale;
        }

        if (CycleMomentum)
        {
            var momentums = new double[lrs.Length];
            for (int g = 0; g < momentums.Length; g++)
            {
                double baseHeight = (maxMomentums![g] - baseMomentums![g]) * scaleFactor;
                momentums[g] = maxMomentums[g] - baseHeight * scale;
            }
            // PyTorch writes the momentums while computing the learning rates, before either is applied.
            for (int g = 0; g < lrs.Length; g++) Optimizer.CheckGroupValue(g, ParamGroupValues.LearningRate, lrs[g]);
            Optimizer.SetAll(MomentumKey!, momentums);
        }
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject
        {
            ["max_lrs"] = StateWriter.Numbers(maxLrs),
            ["total_size"] = StateWriter.Number(TotalSize),
            ["step_ratio"] = StateWriter.Number(StepRatio),
            ["mode"] = ModeName(Mode),
            ["gamma"] = StateWriter.Number(Gamma),
            ["scale_mode"] = ScaleMode == CyclicScaleMode.Cycle ? "cycle" : "iterations",
            ["cycle_momentum"] = CycleMomentum,
        };
        if (CycleMomentum)
        {
            state["use_beta1"] = MomentumKey == "betas[0]";
            state["base_momentums"] = StateWriter.Numbers(baseMomentums!);
            state["max_momentums"] = StateWriter.Numbers(maxMomentums!);
        }
        WriteBaseState(state);
        state["_scale_fn_custom"] = null;
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int groups = Optimizer.GroupCount;
        double[] readMaxLrs = reader.FiniteNonNegatives("max_lrs", groups);
        double totalSize = reader.Double("total_size");
        double stepRatio = reader.Double("step_ratio");
        var mode = ParseMode(reader.String("mode", "triangular", "triangular2", "exp_range"));
        double gamma = reader.FiniteNonNegative("gamma");
        var scaleMode = reader.String("scale_mode", "cycle", "iterations") == "cycle" ? CyclicScaleMode.Cycle : CyclicScaleMode.Iterations;
        bool cycleMomentum = reader.Bool("cycle_momentum");
        if (cycleMomentum != CycleMomentum)
            throw reader.Error("cycle_momentum", $"is {cycleMomentum.ToString().ToLowerInvariant()}; this scheduler was made with cycle_momentum = {CycleMomentum.ToString().ToLowerInvariant()}");
        double[]? readBase = null, readMax = null;
        if (cycleMomentum)
        {
            if (reader.Bool("use_beta1") != (MomentumKey == "betas[0]"))
                throw reader.Error("use_beta1", $"does not match this optimizer, whose momentum is '{MomentumKey}'");
            readBase = reader.Doubles("base_momentums", groups);
            readMax = reader.Doubles("max_momentums", groups);
        }
        var apply = ReadBaseState(reader);
        // A custom scale function is a C# delegate here; what PyTorch saves of a callable object cannot apply to it.
        reader.Optional("_scale_fn_ref");
        reader.Optional("_scale_fn_custom");
        reader.End();
        if (!(totalSize > 0) || !(stepRatio > 0 && stepRatio <= 1)) throw reader.Error("total_size", "and 'step_ratio' do not describe a cycle");
        return () =>
        {
            (maxLrs, TotalSize, StepRatio, Mode, Gamma) = (readMaxLrs, totalSize, stepRatio, mode, gamma);
            // PyTorch's _init_scale_fn: the built-in modes fix their scale mode.
            ScaleMode = customScale is null ? DefaultScaleMode(mode) : scaleMode;
            (baseMomentums, maxMomentums) = (readBase, readMax);
            apply();
        };
    }

    private static string ModeName(CyclicMode mode) => mode switch
    {
        CyclicMode.Triangular => "triangular",
        CyclicMode.Triangular2 => "triangular2",
        _ => "exp_range",
    };

    private static CyclicMode ParseMode(string name) => name switch
    {
        "triangular" => CyclicMode.Triangular,
        "triangular2" => CyclicMode.Triangular2,
        _ => CyclicMode.ExpRange,
    };
}
