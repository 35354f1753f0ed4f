using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>Whether a smaller or a larger metric is better, for <see cref="ReduceLROnPlateau"/>.</summary>
public enum PlateauMode
{
    /// <summary>A smaller metric is better (a loss).</summary>
    Min,

    /// <summary>A larger metric is better (an accuracy).</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a metric improved.</summary>
public enum ThresholdMode
{
    /// <summary>By more than <c>threshold</c> times the best value (<c>best * (1 ∓ threshold)</c>).</summary>
    Rel,

    /// <summary>By more than <c>threshold</c> (<c>best ∓ threshold</c>).</summary>
    Abs,
}

/// <summary>
/// Reduces the learning rates by <c>factor</c> when a metric has stopped improving for <c>patience</c> epochs,
/// as PyTorch's <c>ReduceLROnPlateau</c>. Step it with the metric (e.g. the validation loss) once per epoch.
/// </summary>
public sealed class ReduceLROnPlateau : Scheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to reduce.</param>
    /// <param name="mode">Whether a smaller or a larger metric is better.</param>
    /// <param name="factor">The factor of each reduction, in [0, 1) (0 drops the rate to <paramref name="minLr"/>).</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">
    /// How much better a metric must be to count as an improvement: finite and not negative, and below 1 when
    /// relative in <see cref="PlateauMode.Min"/> (otherwise <c>best * (1 - threshold)</c> is −∞ or NaN from the start,
    /// the best being ∞, and no metric ever counts as an improvement).
    /// </param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is relative or absolute.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again.</param>
    /// <param name="minLr">The lowest learning rate of every group: finite and not negative.</param>
    /// <param name="eps">Reductions smaller than this are skipped: finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range (NaN and ±∞ included); the message names it and its value.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, (IReadOnlyList<double>?)null, eps)
    {
        ScheduleArguments.FiniteNonNegative(minLr, nameof(minLr), MinLrWhat);
        DefaultMinLr = minLr;
        MinLrValues = new double[optimizer.GroupCount];
        Array.Fill(MinLrValues, minLr);
    }

    /// <summary>One lowest learning rate per group (each finite and not negative).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range (NaN and ±∞ included); the message names it and its value.</exception>
    /// <exception cref="ArgumentException"><paramref name="minLrs"/> does not have one value per group.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode, double factor, int patience, double threshold,
        ThresholdMode thresholdMode, int cooldown, IReadOnlyList<double>? minLrs, double eps = 1e-8)
        : base(optimizer)
    {
        if (!(factor < 1.0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Factor should be < 1.0.");
        if (factor < 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Factor should not be negative: the learning rates are multiplied by it.");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        ScheduleArguments.FiniteNonNegative(threshold, nameof(threshold), "The threshold of an improvement");
        if (ThresholdNeverMet(mode, thresholdMode, threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, ThresholdNeverMetReason);
        ScheduleArguments.FiniteNonNegative(eps, nameof(eps), "The smallest reduction made (eps)");
        Factor = factor;
        if (minLrs is not null)
        {
            if (minLrs.Count != optimizer.GroupCount)
                throw new ArgumentException($"expected {optimizer.GroupCount} min_lrs, got {minLrs.Count}.", nameof(minLrs));
            ScheduleArguments.FiniteNonNegative(minLrs, nameof(minLrs), MinLrWhat);
            MinLrValues = [.. minLrs];
        }
        else
        {
            MinLrValues = new double[optimizer.GroupCount];
        }
        Patience = patience;
        Cooldown = cooldown;
        Eps = eps;
        LastEpoch = 0;
        LastLrValues = optimizer.LearningRates();
        Mode = mode;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Best = WorstValue;
    }

    /// <summary>Whether a smaller or a larger metric is better.</summary>
    public PlateauMode Mode { get; private set; }

    /// <summary>The factor of each reduction.</summary>
    public double Factor { get; private set; }

    /// <summary>Epochs without improvement tolerated before reducing.</summary>
    public int Patience { get; private set; }

    /// <summary>How much better a metric must be to count as an improvement.</summary>
    public double Threshold { get; private set; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; private set; }

    /// <summary>Epochs to wait after a reduction before counting bad epochs again.</summary>
    public int Cooldown { get; private set; }

    /// <summary>Reductions smaller than this are skipped.</summary>
    public double Eps { get; private set; }

    /// <summary>The lowest learning rate of each group.</summary>
    public IReadOnlyList<double> MinLrs => MinLrValues;

    /// <summary>The best metric so far.</summary>
    public double Best { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of the last epoch stepped.</summary>
    public int LastEpoch { get; private set; }

    private double[] MinLrValues { get; set; }

    /// <summary>The one lowest learning rate given for every group, or null when given per group.</summary>
    private double? DefaultMinLr { get; set; }

    private const string MinLrWhat = "The lowest learning rate";

    private const string ThresholdNeverMetReason =
        "A relative threshold in min mode must be below 1: best * (1 - threshold) would be -inf or NaN from the start (the best being inf), so no metric would ever count as an improvement.";

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    private bool InCooldown => CooldownCounter > 0;

    /// <summary>Records the epoch's metric and reduces the learning rates when it has stopped improving.</summary>
    /// <exception cref="InvalidOperationException">The epoch or bad-epoch counter is at its limit, or groups were added and no single minimum applies; nothing changed.</exception>
    public void Step(double metric)
    {
        if (LastEpoch == int.MaxValue) throw new InvalidOperationException($"ReduceLROnPlateau: the epoch counter is at its limit ({int.MaxValue}); nothing was changed.");
        if (NumBadEpochs == int.MaxValue) throw new InvalidOperationException($"ReduceLROnPlateau: the bad-epoch counter is at its limit ({int.MaxValue}); nothing was changed.");
        double[]? newLrs = null;
        int epoch = LastEpoch + 1;
        double best = Best;
        int bad = NumBadEpochs;
        int cooldownCounter = CooldownCounter;
        if (IsBetter(metric, best))
        {
            best = metric;
            bad = 0;
        }
        else
        {
            bad++;
        }
        if (cooldownCounter > 0)
        {
            cooldownCounter--;
            bad = 0; // bad epochs in cooldown do not count
        }
        if (bad > Patience)
        {
            newLrs = ReducedLrs();
            cooldownCounter = Cooldown;
            bad = 0;
        }

        if (newLrs is not null) Optimizer.SetAll(ParamGroupValues.LearningRate, newLrs);
        (LastEpoch, Best, NumBadEpochs, CooldownCounter) = (epoch, best, bad, cooldownCounter);
        LastLrValues = Optimizer.LearningRates();
    }

    private double[] ReducedLrs()
    {
        int groups = Optimizer.GroupCount;
        var minLrs = MinLrValues;
        if (minLrs.Length != groups)
        {
            if (DefaultMinLr is not { } single)
                throw new InvalidOperationException(
                    $"The number of param groups in the optimizer ({groups}) differs from when ReduceLROnPlateau was initialized ({minLrs.Length}), usually due to a new param group being added to the optimizer. Set one min_lr per group. Nothing was changed.");
            minLrs = new double[groups];
            Array.Fill(minLrs, single);
            MinLrValues = minLrs;
        }
        var lrs = Optimizer.LearningRates();
        for (int g = 0; g < groups; g++)
        {
            double oldLr = lrs[g];
            double candidate = oldLr * Factor;
            double newLr = minLrs[g] > candidate ? minLrs[g] : candidate; // Python's max(old_lr * factor, min_lr)
            if (oldLr - newLr > Eps) lrs[g] = newLr;
        }
        return lrs;
    }

    /// <summary>Whether no metric can ever count as better: a relative threshold of 1 or more in min mode (best × (1 − threshold) is −∞ or NaN while the best is ∞).</summary>
    private static bool ThresholdNeverMet(PlateauMode mode, ThresholdMode thresholdMode, double threshold) =>
        mode == PlateauMode.Min && thresholdMode == ThresholdMode.Rel && threshold >= 1;

    private bool IsBetter(double metric, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => metric < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => metric < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => metric > best * (Threshold + 1.0),
        _ => metric > best + Threshold,
    };

    private protected override JsonObject WriteState() => new()
    {
        ["factor"] = StateWriter.Number(Factor),
        ["default_min_lr"] = DefaultMinLr is { } single ? StateWriter.Number(single) : null,
        ["min_lrs"] = StateWriter.Numbers(MinLrValues),
        ["patience"] = Patience,
        ["cooldown"] = Cooldown,
        ["eps"] = StateWriter.Number(Eps),
        ["last_epoch"] = LastEpoch,
        ["_last_lr"] = StateWriter.Numbers(LastLrValues),
        ["mode_worse"] = StateWriter.Number(WorstValue),
        ["mode"] = Mode == PlateauMode.Min ? "min" : "max",
        ["threshold"] = StateWriter.Number(Threshold),
        ["threshold_mode"] = ThresholdMode == ThresholdMode.Rel ? "rel" : "abs",
        ["best"] = StateWriter.Number(Best),
        ["cooldown_counter"] = CooldownCounter,
        ["num_bad_epochs"] = NumBadEpochs,
    };

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        double factor = reader.Double("factor");
        double? defaultMinLr = reader.NullableDouble("default_min_lr");
        double[] minLrs = reader.FiniteNonNegatives("min_lrs", -1);
        int patience = reader.Int("patience", min: 0);
        int cooldown = reader.Int("cooldown", min: 0);
        double eps = reader.FiniteNonNegative("eps");
        int lastEpoch = reader.Int("last_epoch", min: 0);
        double[] lastLr = reader.Doubles("_last_lr", Optimizer.GroupCount);
        reader.Double("mode_worse"); // derived from the mode again, as PyTorch's load_state_dict does
        var mode = reader.String("mode", "min", "max") == "min" ? PlateauMode.Min : PlateauMode.Max;
        double threshold = reader.FiniteNonNegative("threshold");
        var thresholdMode = reader.String("threshold_mode", "rel", "abs") == "rel" ? ThresholdMode.Rel : ThresholdMode.Abs;
        double best = reader.Double("best");
        int cooldownCounter = reader.Int("cooldown_counter", min: 0);
        int numBadEpochs = reader.Int("num_bad_epochs", min: 0);
        reader.End();
        if (!(factor >= 0 && factor < 1.0)) throw reader.Error("factor", $"must be at least 0 and below 1; got {ParamGroupValues.Format(factor)}");
        if (defaultMinLr is { } single && !ScheduleArguments.IsFiniteNonNegative(single))
            throw reader.Error("default_min_lr", $"must be null or finite and not negative; got {ParamGroupValues.Format(single)}");
        if (ThresholdNeverMet(mode, thresholdMode, threshold))
            throw reader.Error("threshold", $"is {ParamGroupValues.Format(threshold)} with mode 'min' and threshold_mode 'rel'; it must be below 1, or no metric ever counts as an improvement");
        if (double.IsNaN(best)) throw reader.Error("best", "is NaN; no metric compares better than NaN, so it cannot be the best so far");
        if (defaultMinLr is null && minLrs.Length != Optimizer.GroupCount)
            throw reader.Error("min_lrs", $"has {minLrs.Length} values; the optimizer has {Optimizer.GroupCount} parameter groups");
        return () =>
        {
            (Factor, DefaultMinLr, MinLrValues, Patience, Cooldown, Eps) = (factor, defaultMinLr, minLrs, patience, cooldown, eps);
            (LastEpoch, LastLrValues, Mode, Threshold, ThresholdMode) = (lastEpoch, lastLr, mode, threshold, thresholdMode);
            (Best, CooldownCounter, NumBadEpochs) = (best, cooldownCounter, numBadEpochs);
        };
    }
}
