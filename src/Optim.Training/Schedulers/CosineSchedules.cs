using System;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>
/// Anneals the learning rates along a cosine from the base rates to <c>eta_min</c> over <c>T_max</c> epochs (and
/// back up over the next <c>T_max</c>, and so on), as PyTorch's <c>CosineAnnealingLR</c> (SGDR without restarts):
/// <c>lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2</c>, computed step by step from the
/// previous rate as PyTorch does.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="tMax">Epochs of one half period (PyTorch's <c>T_max</c>).</param>
    /// <param name="etaMin">The lowest learning rate: finite and not negative.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="tMax"/> is not positive, or <paramref name="etaMin"/> is NaN, infinite or negative (PyTorch
    /// takes any, and the step reaching it would fail); nothing was written into the optimizer's groups.
    /// </exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0.0, int lastEpoch = -1)
        : base(Check(optimizer, tMax, etaMin), lastEpoch)
    {
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>Epochs of one half period.</summary>
    public int TMax { get; private set; }

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, int tMax, double etaMin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
        ScheduleArguments.FiniteNonNegative(etaMin, nameof(etaMin), EtaMinWhat);
        return optimizer;
    }

    /// <summary>What the message of a refused <c>eta_min</c> calls it (both cosine schedules).</summary>
    internal const string EtaMinWhat = "The lowest learning rate eta_min";

    /// <summary>The lowest learning rate.</summary>
    public double EtaMin { get; private set; }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (IsInitial) return lrs;
        if (StepCount == 1 && LastEpoch > 0)
        {
            for (int g = 0; g < lrs.Length; g++)
                lrs[g] = EtaMin + (BaseLrValues[g] - EtaMin) * (1 + Math.Cos(LastEpoch * Math.PI / TMax)) / 2;
        }
        else if (PyMath.Mod(LastEpoch - 1 - TMax, 2 * TMax) == 0)
        {
            for (int g = 0; g < lrs.Length; g++)
                lrs[g] = lrs[g] + (BaseLrValues[g] - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
        }
        else
        {
            double ratio = (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax));
            for (int g = 0; g < lrs.Length; g++) lrs[g] = ratio * (lrs[g] - EtaMin) + EtaMin;
        }
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++)
            lrs[g] = EtaMin + (BaseLrValues[g] - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2;
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject { ["T_max"] = TMax, ["eta_min"] = StateWriter.Number(EtaMin) };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int tMax = reader.Int("T_max", min: 1);
        double etaMin = reader.FiniteNonNegative("eta_min");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (TMax, EtaMin) = (tMax, etaMin);
            apply();
        };
    }
}

/// <summary>
/// Cosine annealing with warm restarts (SGDR, Loshchilov and Hutter 2016), as PyTorch's
/// <c>CosineAnnealingWarmRestarts</c>: the learning rate follows a cosine from the base rate to <c>eta_min</c>
/// over <c>T_i</c> epochs, then restarts, each period <c>T_mult</c> times longer than the last.
/// <see cref="Step(double)"/> takes fractional epochs (step with <c>epoch + i / iters</c> within an epoch).
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="t0">Epochs of the first period (PyTorch's <c>T_0</c>), at least 1.</param>
    /// <param name="tMult">The factor by which each period is longer than the last (<c>T_mult</c>), at least 1.</param>
    /// <param name="etaMin">The lowest learning rate: finite and not negative.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range (NaN and ±∞ included); nothing was written into the optimizer's groups.</exception>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0.0, int lastEpoch = -1)
        : base(Check(optimizer, t0, tMult, etaMin), lastEpoch)
    {
        T0 = t0;
        TI = t0;
        TMult = tMult;
        EtaMin = etaMin;
        TCur = lastEpoch;
        InitialStep();
    }

    /// <summary>Epochs of the first period.</summary>
    public int T0 { get; private set; }

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, int t0, int tMult, double etaMin)
    {
        if (t0 <= 0) throw new ArgumentOutOfRangeException(nameof(t0), t0, $"Expected positive integer T_0, but got {t0}.");
        if (tMult < 1) throw new ArgumentOutOfRangeException(nameof(tMult), tMult, $"Expected integer T_mult >= 1, but got {tMult}.");
        ScheduleArguments.FiniteNonNegative(etaMin, nameof(etaMin), CosineAnnealingLR.EtaMinWhat);
        return optimizer;
    }

    /// <summary>Epochs of the current period.</summary>
    public long TI { get; private set; }

    /// <summary>The factor by which each period is longer than the last.</summary>
    public int TMult { get; private set; }

    /// <summary>The lowest learning rate.</summary>
    public double EtaMin { get; private set; }

    /// <summary>Epochs since the last restart (fractional when stepped with fractional epochs).</summary>
    public double TCur { get; private set; }

    /// <summary>Advances one epoch (the first call, from construction, starts at epoch 0).</summary>
    public override void Step()
    {
        CheckCounters();
        Transaction(() =>
        {
            double epoch;
            if (LastEpoch < 0)
            {
                epoch = 0;
                Restart(epoch);
            }
            else
            {
                epoch = LastEpoch + 1;
                TCur += 1;
                if (TCur >= TI)
                {
                    TCur %= TI;
                    TI = checked(TI * TMult);
                }
            }
            Apply(epoch);
        });
    }

    /// <summary>Jumps to epoch <paramref name="epoch"/> (as <see cref="Step(double)"/>).</summary>
    public override void Step(int epoch) => Step((double)epoch);

    /// <summary>Jumps to <paramref name="epoch"/>, which may be fractional (e.g. <c>epoch + i / iters</c> within an epoch).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative or not finite.</exception>
    public void Step(double epoch)
    {
        if (!(epoch >= 0) || !double.IsFinite(epoch) || epoch >= int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"Expected non-negative epoch, but got {ParamGroupValues.Format(epoch)}.");
        Transaction(() =>
        {
            Restart(epoch);
            Apply(epoch);
        });
    }

    /// <summary>PyTorch's <c>step(epoch)</c>: where in which period the epoch lies.</summary>
    private void Restart(double epoch)
    {
        if (epoch >= T0)
        {
            if (TMult == 1)
            {
                TCur = epoch % T0;
            }
            else
            {
                // Python: int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult)); math.log(x, b) is log(x) / log(b).
                int n = (int)(Math.Log(epoch / T0 * (TMult - 1) + 1) / Math.Log(TMult));
                long power = checked((long)Math.Pow(TMult, n));
                TCur = epoch - T0 * (power - 1) / (double)(TMult - 1);
                TI = checked(T0 * power);
            }
        }
        else
        {
            TI = T0;
            TCur = epoch;
        }
    }

    private void Apply(double epoch)
    {
        LastEpoch = (int)Math.Floor(epoch);
        Optimizer.SetAll(ParamGroupValues.LearningRate, ComputeLr());
        LastLrValues = Optimizer.LearningRates();
    }

    private protected override double[] ComputeLr()
    {
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++)
            lrs[g] = EtaMin + (BaseLrValues[g] - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2;
        return lrs;
    }

    private protected override object? SaveExtraState() => (TI, TCur);

    private protected override void RestoreExtraState(object? state) => (TI, TCur) = ((long, double))state!;

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject
        {
            ["T_0"] = T0,
            ["T_i"] = TI,
            ["T_mult"] = TMult,
            ["eta_min"] = StateWriter.Number(EtaMin),
            ["T_cur"] = StateWriter.Number(TCur),
        };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int t0 = reader.Int("T_0", min: 1);
        double tI = reader.Double("T_i");
        if (tI < 1 || tI != Math.Floor(tI) || tI > long.MaxValue / 2) throw reader.Error("T_i", $"must be a whole number of epochs, at least 1; got {tI}");
        int tMult = reader.Int("T_mult", min: 1);
        double etaMin = reader.FiniteNonNegative("eta_min");
        double tCur = reader.Double("T_cur");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (T0, TI, TMult, EtaMin, TCur) = (t0, (long)tI, tMult, etaMin, tCur);
            apply();
        };
    }
}
