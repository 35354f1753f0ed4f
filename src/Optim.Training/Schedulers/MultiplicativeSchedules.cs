using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace ScratchOptim.Training;

/// <summary>
/// Sets each group's learning rate to its base rate times a function of the epoch, as PyTorch's
/// <c>LambdaLR</c>: <c>lr = base_lr * lr_lambda(epoch)</c>.
/// </summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] lambdas;

    /// <summary>One function for every group.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Broadcast(optimizer, lrLambda), lastEpoch)
    {
    }

    /// <summary>One function per group.</summary>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        lambdas = CheckLambdas(optimizer, lrLambdas);
        InitialStep();
    }

    private protected override double[] ComputeLr()
    {
        var lrs = new double[lambdas.Length];
        for (int g = 0; g < lrs.Length; g++) lrs[g] = BaseLrValues[g] * lambdas[g](LastEpoch);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject();
        WriteBaseState(state);
        state["lr_lambdas"] = StateWriter.Nulls(lambdas.Length);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        var apply = ReadBaseState(reader);
        reader.Nulls("lr_lambdas", lambdas.Length);
        reader.End();
        return apply;
    }

    internal static Func<int, double>[] Broadcast(Optimizer optimizer, Func<int, double> lambda)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(lambda);
        var lambdas = new Func<int, double>[optimizer.GroupCount];
        Array.Fill(lambdas, lambda);
        return lambdas;
    }

    internal static Func<int, double>[] CheckLambdas(Optimizer optimizer, IReadOnlyList<Func<int, double>> lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        if (lambdas.Count != optimizer.GroupCount)
            throw new ArgumentException($"Expected {optimizer.GroupCount} lr_lambdas, but got {lambdas.Count}.", nameof(lambdas));
        foreach (var lambda in lambdas) ArgumentNullException.ThrowIfNull(lambda, nameof(lambdas));
        return [.. lambdas];
    }
}

/// <summary>
/// Multiplies each group's learning rate by a function of the epoch at every step, as PyTorch's
/// <c>MultiplicativeLR</c>: <c>lr = lr * lr_lambda(epoch)</c>.
/// </summary>
public sealed class MultiplicativeLR : LRScheduler
{
    private readonly Func<int, double>[] lambdas;

    /// <summary>One function for every group.</summary>
    public MultiplicativeLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, LambdaLR.Broadcast(optimizer, lrLambda), lastEpoch)
    {
    }

    /// <summary>One function per group.</summary>
    public MultiplicativeLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        lambdas = LambdaLR.CheckLambdas(optimizer, lrLambdas);
        InitialStep();
    }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (IsInitial) return lrs;
        for (int g = 0; g < lrs.Length; g++) lrs[g] *= lambdas[g](LastEpoch);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject();
        WriteBaseState(state);
        state["lr_lambdas"] = StateWriter.Nulls(lambdas.Length);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        var apply = ReadBaseState(reader);
        reader.Nulls("lr_lambdas", lambdas.Length);
        reader.End();
        return apply;
    }
}

/// <summary>
/// Multiplies the learning rates by <c>gamma</c> every <c>step_size</c> epochs, as PyTorch's <c>StepLR</c>:
/// <c>lr = base_lr * gamma^(epoch // step_size)</c>.
/// </summary>
public sealed class StepLR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="stepSize">Epochs between decays (PyTorch's <c>step_size</c>).</param>
    /// <param name="gamma">The factor of each decay: finite and not negative.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range (NaN and ±∞ included); nothing was written into the optimizer's groups.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1)
        : base(Check(optimizer, stepSize, gamma), lastEpoch)
    {
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; private set; }

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, int stepSize, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        ScheduleArguments.Gamma(gamma);
        return optimizer;
    }

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; private set; }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0 || PyMath.Mod(LastEpoch, StepSize) != 0) return lrs;
        for (int g = 0; g < lrs.Length; g++) lrs[g] *= Gamma;
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++) lrs[g] = BaseLrValues[g] * Math.Pow(Gamma, PyMath.FloorDiv(LastEpoch, StepSize));
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject { ["step_size"] = StepSize, ["gamma"] = StateWriter.Number(Gamma) };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int stepSize = reader.Int("step_size", min: 1);
        double gamma = reader.FiniteNonNegative("gamma");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (StepSize, Gamma) = (stepSize, gamma);
            apply();
        };
    }
}

/// <summary>
/// Multiplies the learning rates by <c>gamma</c> at each milestone epoch (by <c>gamma^k</c> at a milestone listed
/// k times), as PyTorch's <c>MultiStepLR</c>.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    private SortedDictionary<int, int> milestones;

    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="milestones">The epochs at which to decay; a repeated epoch decays once per repetition.</param>
    /// <param name="gamma">The factor of each decay: finite and not negative.</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is NaN, infinite or negative; nothing was written into the optimizer's groups.</exception>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1)
        : base(Check(optimizer, milestones, gamma), lastEpoch)
    {
        this.milestones = [];
        foreach (int milestone in milestones)
            this.milestones[milestone] = this.milestones.GetValueOrDefault(milestone) + 1;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Each milestone epoch and how many times it was listed.</summary>
    public IReadOnlyDictionary<int, int> Milestones => milestones;

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, IEnumerable<int> milestones, double gamma)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ScheduleArguments.Gamma(gamma);
        return optimizer;
    }

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; private set; }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (!milestones.TryGetValue(LastEpoch, out int count)) return lrs;
        for (int g = 0; g < lrs.Length; g++) lrs[g] *= Math.Pow(Gamma, count);
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        // bisect_right over the sorted milestones, repetitions included: how many are <= the epoch.
        int passed = 0;
        foreach (var (milestone, count) in milestones)
            if (milestone <= LastEpoch) passed += count;
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++) lrs[g] = BaseLrValues[g] * Math.Pow(Gamma, passed);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        // PyTorch keeps the milestones as a Counter: {"epoch": count}.
        var counter = new JsonObject();
        foreach (var (milestone, count) in milestones)
            counter[milestone.ToString(System.Globalization.CultureInfo.InvariantCulture)] = count;
        var state = new JsonObject { ["milestones"] = counter, ["gamma"] = StateWriter.Number(Gamma) };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        var counter = reader.Object("milestones");
        var read = new SortedDictionary<int, int>();
        foreach (var (key, node) in counter)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int milestone))
                throw reader.Error("milestones", $"has a key that is not an epoch: \"{key}\"");
            var countReader = new StateReader(new JsonObject { ["count"] = node?.DeepClone() }, Name);
            read[milestone] = countReader.Int("count", min: 1);
        }
        double gamma = reader.FiniteNonNegative("gamma");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (milestones, Gamma) = (read, gamma);
            apply();
        };
    }
}

/// <summary>
/// Multiplies the learning rates by a constant factor until <c>total_iters</c> epochs have passed, as PyTorch's
/// <c>ConstantLR</c>.
/// </summary>
public sealed class ConstantLR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="factor">The factor applied until the end of the period, in [0, 1].</param>
    /// <param name="totalIters">The number of epochs the factor applies (PyTorch's <c>total_iters</c>).</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is outside [0, 1] or NaN; nothing was written into the optimizer's groups.</exception>
    /// <remarks>A factor of 0 stops training until <paramref name="totalIters"/>, where <see cref="LRScheduler.Step()"/> throws <see cref="DivideByZeroException"/> as PyTorch does.</remarks>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int totalIters = 5, int lastEpoch = -1)
        : base(Check(optimizer, factor), lastEpoch)
    {
        Factor = factor;
        TotalIters = totalIters;
        InitialStep();
    }

    /// <summary>The factor applied until the end of the period.</summary>
    public double Factor { get; private set; }

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, double factor)
    {
        if (!IsFactor(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Constant multiplicative factor expected to be between 0 and 1.");
        return optimizer;
    }

    private static bool IsFactor(double factor) => factor >= 0 && factor <= 1.0;

    /// <summary>The number of epochs the factor applies.</summary>
    public int TotalIters { get; private set; }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0)
        {
            for (int g = 0; g < lrs.Length; g++) lrs[g] *= Factor;
        }
        else if (LastEpoch == TotalIters)
        {
            // PyTorch divides here too and raises ZeroDivisionError for a factor of 0: the rate it zeroed cannot come back.
            if (Factor == 0)
                throw new DivideByZeroException($"{Name}: a factor of 0 cannot be undone at epoch {TotalIters} (total_iters), where the rates are divided by it; nothing was changed.");
            for (int g = 0; g < lrs.Length; g++) lrs[g] *= 1.0 / Factor;
        }
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        // Python: factor + (last_epoch >= total_iters) * (1 - factor), the bool counting as 0 or 1.
        double reached = LastEpoch >= TotalIters ? 1 - Factor : 0.0;
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++) lrs[g] = BaseLrValues[g] * (Factor + reached);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject { ["factor"] = StateWriter.Number(Factor), ["total_iters"] = TotalIters };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        double factor = reader.Double("factor");
        if (!IsFactor(factor)) throw reader.Error("factor", $"must be between 0 and 1; got {ParamGroupValues.Format(factor)}");
        int totalIters = reader.Int("total_iters");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (Factor, TotalIters) = (factor, totalIters);
            apply();
        };
    }
}

/// <summary>
/// Changes the learning rates linearly from <c>start_factor</c> to <c>end_factor</c> times the base rates over
/// <c>total_iters</c> epochs, as PyTorch's <c>LinearLR</c> (the usual linear warmup).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="startFactor">The factor at epoch 0, in (0, 1].</param>
    /// <param name="endFactor">The factor from epoch <paramref name="totalIters"/> on, in [0, 1].</param>
    /// <param name="totalIters">The number of epochs of the ramp (PyTorch's <c>total_iters</c>).</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is outside its range or NaN; nothing was written into the optimizer's groups.</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(Check(optimizer, startFactor, endFactor), lastEpoch)
    {
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    /// <summary>The factor at epoch 0.</summary>
    public double StartFactor { get; private set; }

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, double startFactor, double endFactor)
    {
        if (!IsStartFactor(startFactor))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        if (!IsEndFactor(endFactor))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "Ending multiplicative factor expected to be between 0 and 1.");
        return optimizer;
    }

    private static bool IsStartFactor(double factor) => factor > 0 && factor <= 1.0;

    private static bool IsEndFactor(double factor) => factor >= 0 && factor <= 1.0;

    /// <summary>The factor at the end of the ramp.</summary>
    public double EndFactor { get; private set; }

    /// <summary>The number of epochs of the ramp.</summary>
    public int TotalIters { get; private set; }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0)
        {
            for (int g = 0; g < lrs.Length; g++) lrs[g] *= StartFactor;
            return lrs;
        }
        if (IsInitial || LastEpoch > TotalIters) return lrs;
        double factor = 1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor));
        for (int g = 0; g < lrs.Length; g++) lrs[g] *= factor;
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++)
            lrs[g] = BaseLrValues[g] * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject
        {
            ["start_factor"] = StateWriter.Number(StartFactor),
            ["end_factor"] = StateWriter.Number(EndFactor),
            ["total_iters"] = TotalIters,
        };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        double start = reader.Double("start_factor");
        if (!IsStartFactor(start)) throw reader.Error("start_factor", $"must be above 0 and at most 1; got {ParamGroupValues.Format(start)}");
        double end = reader.Double("end_factor");
        if (!IsEndFactor(end)) throw reader.Error("end_factor", $"must be between 0 and 1; got {ParamGroupValues.Format(end)}");
        int totalIters = reader.Int("total_iters");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (StartFactor, EndFactor, TotalIters) = (start, end, totalIters);
            apply();
        };
    }
}

/// <summary>Multiplies the learning rates by <c>gamma</c> every epoch, as PyTorch's <c>ExponentialLR</c>.</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="gamma">The factor applied every epoch: finite and not negative (above 1 grows the rates, as a learning-rate range test does).</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is NaN, infinite or negative; nothing was written into the optimizer's groups.</exception>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1)
        : base(Check(optimizer, gamma), lastEpoch)
    {
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The factor applied every epoch.</summary>
    public double Gamma { get; private set; }

    /// <summary>Checks the argument before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, double gamma)
    {
        ScheduleArguments.Gamma(gamma);
        return optimizer;
    }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (IsInitial) return lrs;
        for (int g = 0; g < lrs.Length; g++) lrs[g] *= Gamma;
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++) lrs[g] = BaseLrValues[g] * Math.Pow(Gamma, LastEpoch);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject { ["gamma"] = StateWriter.Number(Gamma) };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        double gamma = reader.FiniteNonNegative("gamma");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            Gamma = gamma;
            apply();
        };
    }
}

/// <summary>
/// Decays the learning rates to zero over <c>total_iters</c> epochs along a polynomial, as PyTorch's
/// <c>PolynomialLR</c>: <c>lr = base_lr * (1 - epoch / total_iters)^power</c>.
/// </summary>
public sealed class PolynomialLR : LRScheduler
{
    /// <param name="optimizer">The optimizer whose learning rates to schedule.</param>
    /// <param name="totalIters">The number of epochs of the decay (PyTorch's <c>total_iters</c>).</param>
    /// <param name="power">The power of the polynomial: finite and not negative (a negative one makes the last rate infinite).</param>
    /// <param name="lastEpoch">-1 for a new run, or the last epoch done when resuming.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range (NaN and ±∞ included); nothing was written into the optimizer's groups.</exception>
    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0, int lastEpoch = -1)
        : base(Check(optimizer, totalIters, power), lastEpoch)
    {
        TotalIters = totalIters;
        Power = power;
        InitialStep();
    }

    /// <summary>The number of epochs of the decay.</summary>
    public int TotalIters { get; private set; }

    /// <summary>The power of the polynomial.</summary>
    public double Power { get; private set; }

    /// <summary>Checks the arguments before the base constructor records the initial learning rates.</summary>
    private static Optimizer Check(Optimizer optimizer, int totalIters, double power)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalIters);
        ScheduleArguments.FiniteNonNegative(power, nameof(power), "The power of the polynomial");
        return optimizer;
    }

    private protected override double[] ComputeLr()
    {
        var lrs = GroupLrs();
        if (IsInitial || LastEpoch > TotalIters) return lrs;
        double decayFactor = Math.Pow((1.0 - (double)LastEpoch / TotalIters) / (1.0 - (double)(LastEpoch - 1) / TotalIters), Power);
        for (int g = 0; g < lrs.Length; g++) lrs[g] *= decayFactor;
        return lrs;
    }

    private protected override double[] ClosedFormLr()
    {
        var lrs = new double[BaseLrValues.Length];
        for (int g = 0; g < lrs.Length; g++)
            lrs[g] = BaseLrValues[g] * Math.Pow(1.0 - (double)Math.Min(TotalIters, LastEpoch) / TotalIters, Power);
        return lrs;
    }

    private protected override JsonObject WriteState()
    {
        var state = new JsonObject { ["total_iters"] = TotalIters, ["power"] = StateWriter.Number(Power) };
        WriteBaseState(state);
        return state;
    }

    private protected override Action ReadState(JsonObject state)
    {
        var reader = new StateReader(state, Name);
        int totalIters = reader.Int("total_iters", min: 1);
        double power = reader.FiniteNonNegative("power");
        var apply = ReadBaseState(reader);
        reader.End();
        return () =>
        {
            (TotalIters, Power) = (totalIters, power);
            apply();
        };
    }
}
