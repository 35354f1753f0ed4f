using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// What the goldens do not show: errors and their all-or-nothing behaviour, counters at their limit, the state
/// format, and the named warmup-cosine schedule.
/// </summary>
public class SchedulerTests
{
    private static SGD TwoGroupSgd()
    {
        var sgd = new SGD([new Parameter<float>(new float[3], "w")], lr: 0.1, momentum: 0.9);
        sgd.AddParamGroup([new Parameter<float>(new float[2], "b")], h => h.Lr = 0.01);
        return sgd;
    }

    private static double[] Lrs(Optimizer optimizer) =>
        Enumerable.Range(0, optimizer.GroupCount).Select(g => optimizer.GetGroupValue(g, "lr")).ToArray();

    [Fact]
    public void Linear_warmup_cosine_is_the_sequence_of_a_linear_warmup_and_a_cosine_decay()
    {
        var named = TwoGroupSgd();
        var schedule = LRSchedules.LinearWarmupCosine(named, warmupSteps: 5, totalSteps: 30, minLr: 1e-4, warmupStartFactor: 0.01);
        var built = TwoGroupSgd();
        var sequence = new SequentialLR(built,
            [new LinearLR(built, startFactor: 0.01, endFactor: 1.0, totalIters: 5), new CosineAnnealingLR(built, tMax: 25, etaMin: 1e-4)], [5]);
        for (int step = 0; step < 40; step++)
        {
            Assert.Equal(Lrs(built), Lrs(named));
            schedule.Step();
            sequence.Step();
        }
        Assert.Equal(sequence.StateDict().ToJsonString(), schedule.StateDict().ToJsonString());
    }

    [Fact]
    public void Warmup_cosine_rises_to_the_peak_and_ends_at_the_minimum()
    {
        var sgd = TwoGroupSgd();
        var schedule = LRSchedules.LinearWarmupCosine(sgd, warmupSteps: 10, totalSteps: 100, minLr: 1e-5);
        Assert.Equal(0.1 * 1e-3, schedule.LastLr[0], 12);
        for (int step = 0; step < 10; step++) schedule.Step();
        Assert.Equal(0.1, schedule.LastLr[0], 12);
        for (int step = 10; step < 100; step++) schedule.Step();
        Assert.Equal(1e-5, schedule.LastLr[0], 12);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-1e-5)]
    public void Warmup_cosine_refuses_a_minimum_rate_that_is_not_finite_or_negative_before_writing_a_rate(double minLr)
    {
        var sgd = TwoGroupSgd();
        var before = Lrs(sgd);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => LRSchedules.LinearWarmupCosine(sgd, warmupSteps: 10, totalSteps: 100, minLr: minLr));
        Assert.Equal("minLr", refused.ParamName);
        Assert.Equal(before, Lrs(sgd));
    }

    [Fact]
    public void A_state_with_a_missing_unknown_or_mistyped_key_is_rejected_and_changes_nothing()
    {
        var sgd = TwoGroupSgd();
        var scheduler = new StepLR(sgd, stepSize: 3, gamma: 0.5);
        for (int i = 0; i < 4; i++) scheduler.Step();
        var before = scheduler.StateDict().ToJsonString();

        var missing = scheduler.StateDict();
        missing.Remove("gamma");
        var unknown = scheduler.StateDict();
        unknown["T_max"] = 10;
        var mistyped = scheduler.StateDict();
        mistyped["last_epoch"] = "four";
        var wrongGroups = scheduler.StateDict();
        wrongGroups["base_lrs"] = new JsonArray(0.1);

        Assert.Contains("'gamma' is missing", Assert.Throws<InvalidDataException>(() => scheduler.LoadStateDict(missing)).Message);
        Assert.Contains("unknown key 'T_max'", Assert.Throws<InvalidDataException>(() => scheduler.LoadStateDict(unknown)).Message);
        Assert.Contains("'last_epoch' must be a number", Assert.Throws<InvalidDataException>(() => scheduler.LoadStateDict(mistyped)).Message);
        Assert.Contains("'base_lrs' must have 2 elements", Assert.Throws<InvalidDataException>(() => scheduler.LoadStateDict(wrongGroups)).Message);
        Assert.Equal(before, scheduler.StateDict().ToJsonString());
    }

    [Fact]
    public void A_sequence_whose_second_scheduler_state_is_bad_loads_neither()
    {
        var sgd = TwoGroupSgd();
        var sequence = new SequentialLR(sgd, [new ConstantLR(sgd, 0.5, 3), new ExponentialLR(sgd, 0.9)], [3]);
        for (int i = 0; i < 5; i++) sequence.Step();
        var saved = sequence.StateDict();
        for (int i = 0; i < 3; i++) sequence.Step();
        var before = sequence.StateDict().ToJsonString();

        var bad = (JsonObject)saved.DeepClone();
        ((JsonObject)((JsonArray)bad["_schedulers"]!)[1]!)["gamma"] = "0.9";
        Assert.Throws<InvalidDataException>(() => sequence.LoadStateDict(bad));
        Assert.Equal(before, sequence.StateDict().ToJsonString());

        sequence.LoadStateDict(saved);
        Assert.Equal(saved.ToJsonString(), sequence.StateDict().ToJsonString());
    }

    [Fact]
    public void A_saved_state_resumes_the_same_schedule()
    {
        var first = TwoGroupSgd();
        var original = new CosineAnnealingWarmRestarts(first, t0: 4, tMult: 2, etaMin: 1e-3);
        for (int i = 0; i < 9; i++) original.Step();
        var state = original.StateDict();
        var groups = Lrs(first);

        var second = TwoGroupSgd();
        var resumed = new CosineAnnealingWarmRestarts(second, t0: 4, tMult: 2, etaMin: 1e-3);
        resumed.LoadStateDict(state);
        second.SetGroupValue(0, "lr", groups[0]);
        second.SetGroupValue(1, "lr", groups[1]);
        for (int i = 0; i < 20; i++)
        {
            original.Step();
            resumed.Step();
            Assert.Equal(Lrs(first), Lrs(second));
        }
    }

    [Fact]
    public void A_learning_rate_the_optimizer_rejects_fails_the_step_and_changes_nothing()
    {
        // PyTorch lets OneCycleLR take step total_steps, extrapolating past the last phase; linear annealing then
        // gives a negative learning rate, which the optimizer's range [0, ∞) refuses.
        var sgd = TwoGroupSgd();
        var scheduler = new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, annealStrategy: AnnealStrategy.Linear, finalDivFactor: 1.0);
        for (int i = 0; i < 9; i++) scheduler.Step();
        var lrs = Lrs(sgd);
        var momentum = sgd.GetGroupValue(0, "momentum");
        var state = scheduler.StateDict().ToJsonString();

        var error = Assert.Throws<ArgumentOutOfRangeException>(scheduler.Step);
        Assert.Contains("'lr'", error.Message);
        Assert.Equal(lrs, Lrs(sgd));
        Assert.Equal(momentum, sgd.GetGroupValue(0, "momentum"));
        Assert.Equal(state, scheduler.StateDict().ToJsonString());
    }

    [Fact]
    public void Stepping_past_the_end_of_a_one_cycle_fails_and_changes_nothing()
    {
        var sgd = TwoGroupSgd();
        var scheduler = new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 4);
        for (int i = 0; i < 4; i++) scheduler.Step();
        var state = scheduler.StateDict().ToJsonString();
        Assert.Contains("total steps is 4", Assert.Throws<InvalidOperationException>(scheduler.Step).Message);
        Assert.Equal(state, scheduler.StateDict().ToJsonString());
    }

    [Fact]
    public void A_chain_whose_second_scheduler_fails_puts_the_first_one_back()
    {
        var sgd = TwoGroupSgd();
        var exponential = new ExponentialLR(sgd, 0.9);
        var chain = new ChainedScheduler([exponential, new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 2)]);
        chain.Step();
        chain.Step();
        var state = chain.StateDict().ToJsonString();
        var lrs = Lrs(sgd);
        double momentum = sgd.GetGroupValue(0, "momentum");

        Assert.Throws<InvalidOperationException>(chain.Step);
        Assert.Equal(state, chain.StateDict().ToJsonString());
        Assert.Equal(2, exponential.LastEpoch);
        Assert.Equal(lrs, Lrs(sgd));
        Assert.Equal(momentum, sgd.GetGroupValue(0, "momentum"));
    }

    [Fact]
    public void An_epoch_counter_at_its_limit_refuses_to_step()
    {
        var sgd = TwoGroupSgd();
        var scheduler = new ExponentialLR(sgd, 0.9);
        var state = scheduler.StateDict();
        state["last_epoch"] = int.MaxValue;
        scheduler.LoadStateDict(state);
        var lrs = Lrs(sgd);
        Assert.Throws<InvalidOperationException>(scheduler.Step);
        Assert.Equal(int.MaxValue, scheduler.LastEpoch);
        Assert.Equal(lrs, Lrs(sgd));
    }

    [Fact]
    public void Resuming_with_last_epoch_needs_the_initial_learning_rates()
    {
        var sgd = new SGD([new Parameter<float>(new float[1])], lr: 0.1);
        Assert.Contains("initial_lr", Assert.Throws<InvalidOperationException>(() => new StepLR(sgd, 3, lastEpoch: 5)).Message);
        sgd.SetGroupValue(0, "initial_lr", 0.2);
        var scheduler = new StepLR(sgd, 3, gamma: 0.5, lastEpoch: 5);
        Assert.Equal(0.2, scheduler.BaseLrs[0]);
        Assert.Equal(6, scheduler.LastEpoch);
    }

    [Fact]
    public void Momentum_cycling_writes_beta1_of_adam_and_momentum_of_sgd()
    {
        var adam = new Adam([new Parameter<float>(new float[1])], lr: 1e-3);
        var sgd = new SGD([new Parameter<float>(new float[1])], lr: 0.1);
        var cyclicAdam = new CyclicLR(adam, baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 4, baseMomentum: 0.8, maxMomentum: 0.9);
        var cyclicSgd = new CyclicLR(sgd, baseLr: 1e-3, maxLr: 1e-2, stepSizeUp: 4, baseMomentum: 0.8, maxMomentum: 0.9);
        Assert.Equal("betas[0]", cyclicAdam.MomentumKey);
        Assert.Equal("momentum", cyclicSgd.MomentumKey);
        for (int i = 0; i < 4; i++)
        {
            cyclicAdam.Step();
            cyclicSgd.Step();
        }
        Assert.Equal(0.8, adam.GroupHyperparameters(0).Get("beta1"));
        Assert.Equal(0.8, sgd.GroupHyperparameters(0).Get("momentum"));

        var adagrad = new Adagrad([new Parameter<float>(new float[1])]);
        Assert.Contains("momentum or beta1", Assert.Throws<ArgumentException>(() => new CyclicLR(adagrad, 1e-3, 1e-2)).Message);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_PyTorchs_reasons()
    {
        var sgd = TwoGroupSgd();
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLR(sgd, factor: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLR(sgd, startFactor: 0));
        Assert.Throws<ArgumentException>(() => new LambdaLR(sgd, [e => 1.0]));
        Assert.Throws<ArgumentException>(() => new SequentialLR(sgd, [new StepLR(sgd, 2), new StepLR(sgd, 3)], [1, 2]));
        Assert.Throws<ArgumentException>(() => new ChainedScheduler([new StepLR(sgd, 2), new StepLR(TwoGroupSgd(), 3)]));
        Assert.Throws<ArgumentException>(() => new OneCycleLR(sgd, maxLr: 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, pctStart: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(sgd, factor: 1.0));
        Assert.Throws<ArgumentException>(() => new CyclicLR(sgd, [1e-3], [1e-2, 1e-2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingWarmRestarts(sgd, t0: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SWALR(sgd, 0.01, annealEpochs: -1));
    }

    /// <summary>Nothing of <paramref name="optimizer"/>'s groups changed: its rates and momentums, and no scheduler value (initial_lr, ...) was recorded.</summary>
    private static void AssertUntouched(Optimizer optimizer, double[] lrs, double momentum)
    {
        Assert.Equal(lrs, Lrs(optimizer));
        Assert.Equal(momentum, optimizer.GetGroupValue(0, optimizer.MomentumKey()!));
        for (int g = 0; g < optimizer.GroupCount; g++) Assert.Empty(optimizer.ScheduleValues(g));
    }

    [Theory]
    [InlineData("factor", -0.5)]
    [InlineData("factor", double.NegativeInfinity)]
    [InlineData("threshold", double.NaN)]
    [InlineData("threshold", double.PositiveInfinity)]
    [InlineData("threshold", double.NegativeInfinity)]
    [InlineData("threshold", -1e-4)]
    [InlineData("threshold", 1.0)]
    [InlineData("eps", double.NaN)]
    [InlineData("eps", double.PositiveInfinity)]
    [InlineData("eps", -1e-8)]
    [InlineData("minLr", double.NaN)]
    [InlineData("minLr", double.PositiveInfinity)]
    [InlineData("minLr", double.NegativeInfinity)]
    [InlineData("minLr", -1e-6)]
    [InlineData("minLrs", double.NaN)]
    [InlineData("minLrs", double.PositiveInfinity)]
    [InlineData("minLrs", -1e-6)]
    public void Plateau_refuses_a_bad_argument_at_construction(string argument, double value)
    {
        // Before, each went wrong only at the first step that used it, or silently: a NaN threshold or eps, or a
        // relative threshold of 1 in min mode, made every epoch bad or no reduction happen.
        var sgd = TwoGroupSgd();
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => argument switch
        {
            "factor" => new ReduceLROnPlateau(sgd, factor: value),
            "threshold" => new ReduceLROnPlateau(sgd, threshold: value),
            "eps" => new ReduceLROnPlateau(sgd, eps: value),
            "minLr" => new ReduceLROnPlateau(sgd, minLr: value),
            _ => new ReduceLROnPlateau(sgd, PlateauMode.Min, 0.1, 10, 1e-4, ThresholdMode.Rel, 0, [0.0, value]),
        });
        Assert.Equal(argument, refused.ParamName);
        Assert.Equal(value, refused.ActualValue);
    }

    [Fact]
    public void Plateau_keeps_the_edge_values_PyTorch_gives_a_meaning()
    {
        // factor 0 drops the rate straight to min_lr; a relative threshold of 1 or more is fine in max mode or absolute.
        var sgd = TwoGroupSgd();
        var plateau = new ReduceLROnPlateau(sgd, factor: 0, patience: 1, minLr: 1e-3, eps: 0);
        for (int epoch = 0; epoch < 3; epoch++) plateau.Step(1.0);
        Assert.Equal([1e-3, 1e-3], Lrs(sgd));
        _ = new ReduceLROnPlateau(TwoGroupSgd(), PlateauMode.Max, threshold: 2.0);
        _ = new ReduceLROnPlateau(TwoGroupSgd(), threshold: 2.0, thresholdMode: ThresholdMode.Abs);
    }

    [Theory]
    [InlineData("factor", "-0.5")]
    [InlineData("factor", "\"-inf\"")]
    [InlineData("threshold", "\"nan\"")]
    [InlineData("threshold", "-0.1")]
    [InlineData("threshold", "1")]
    [InlineData("eps", "\"inf\"")]
    [InlineData("eps", "-1")]
    [InlineData("min_lrs", "[0, \"nan\"]")]
    [InlineData("min_lrs", "[-1, 0]")]
    [InlineData("default_min_lr", "\"inf\"")]
    [InlineData("default_min_lr", "-0.5")]
    [InlineData("best", "\"nan\"")]
    public void Plateau_state_with_a_bad_value_is_refused_naming_the_key_and_changes_nothing(string key, string json)
    {
        var sgd = TwoGroupSgd();
        var plateau = new ReduceLROnPlateau(sgd, patience: 1);
        plateau.Step(2.0);
        plateau.Step(1.0);
        var before = plateau.StateDict().ToJsonString();
        var state = plateau.StateDict();
        state[key] = JsonNode.Parse(json);

        var refused = Assert.Throws<InvalidDataException>(() => plateau.LoadStateDict(state));
        Assert.Contains($"'{key}'", refused.Message);
        Assert.Equal(before, plateau.StateDict().ToJsonString());
    }

    [Fact]
    public void Plateau_with_a_bad_epoch_counter_at_its_limit_refuses_to_step()
    {
        // Only a loaded state gets there; the increment would wrap around to a negative count.
        var sgd = TwoGroupSgd();
        var plateau = new ReduceLROnPlateau(sgd, patience: int.MaxValue);
        var state = plateau.StateDict();
        state["num_bad_epochs"] = int.MaxValue;
        plateau.LoadStateDict(state);
        var before = plateau.StateDict().ToJsonString();
        var lrs = Lrs(sgd);

        Assert.Contains("bad-epoch counter", Assert.Throws<InvalidOperationException>(() => plateau.Step(1.0)).Message);
        Assert.Equal(before, plateau.StateDict().ToJsonString());
        Assert.Equal(lrs, Lrs(sgd));
    }

    [Theory]
    [InlineData("divFactor", 0.0)]
    [InlineData("divFactor", -25.0)]
    [InlineData("divFactor", double.NaN)]
    [InlineData("divFactor", double.PositiveInfinity)]
    [InlineData("divFactor", double.NegativeInfinity)]
    [InlineData("finalDivFactor", 0.0)]
    [InlineData("finalDivFactor", -1e4)]
    [InlineData("finalDivFactor", double.NaN)]
    [InlineData("finalDivFactor", double.PositiveInfinity)]
    [InlineData("finalDivFactor", double.NegativeInfinity)]
    [InlineData("maxLr", double.NaN)]
    [InlineData("maxLr", double.PositiveInfinity)]
    [InlineData("maxLr", double.NegativeInfinity)]
    [InlineData("maxLr", -0.1)]
    [InlineData("baseMomentum", double.NaN)]
    [InlineData("baseMomentum", double.PositiveInfinity)]
    [InlineData("baseMomentum", -0.1)]
    [InlineData("maxMomentum", double.NaN)]
    [InlineData("maxMomentum", -0.1)]
    public void One_cycle_refuses_a_bad_argument_before_writing_any_group_value(string argument, double value)
    {
        var sgd = TwoGroupSgd();
        var lrs = Lrs(sgd);
        double momentum = sgd.GetGroupValue(0, "momentum");
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => argument switch
        {
            "divFactor" => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, divFactor: value),
            "finalDivFactor" => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, finalDivFactor: value),
            "maxLr" => new OneCycleLR(sgd, maxLr: [0.1, value], totalSteps: 10),
            "baseMomentum" => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, baseMomentum: value),
            _ => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, maxMomentum: value),
        });
        Assert.Equal(argument, refused.ParamName);
        Assert.Equal(value, refused.ActualValue);
        AssertUntouched(sgd, lrs, momentum);
    }

    [Fact]
    public void One_cycle_and_cyclic_refuse_a_base_momentum_outside_the_optimizers_range()
    {
        // Adam's beta1 is in [0, 1): the rate's peak would set it to 1.
        var adam = new Adam([new Parameter<float>(new float[1])], lr: 1e-3);
        var lrs = Lrs(adam);
        double beta1 = adam.GetGroupValue(0, "betas[0]");
        var oneCycle = Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleLR(adam, maxLr: 1e-2, totalSteps: 10, baseMomentum: 1.0));
        var cyclic = Assert.Throws<ArgumentOutOfRangeException>(() => new CyclicLR(adam, baseLr: 1e-4, maxLr: 1e-3, baseMomentum: 1.0));
        Assert.Equal("baseMomentum", oneCycle.ParamName);
        Assert.Equal("baseMomentum", cyclic.ParamName);
        Assert.Contains("[0, 1)", cyclic.Message);
        AssertUntouched(adam, lrs, beta1);
    }

    [Theory]
    [InlineData("maxLr", double.NaN)]
    [InlineData("maxLr", double.PositiveInfinity)]
    [InlineData("maxLr", -0.1)]
    [InlineData("gamma", double.NaN)]
    [InlineData("gamma", double.PositiveInfinity)]
    [InlineData("gamma", -0.5)]
    [InlineData("baseMomentum", double.NaN)]
    [InlineData("baseMomentum", -0.1)]
    [InlineData("maxMomentum", double.PositiveInfinity)]
    public void Cyclic_refuses_a_bad_argument_before_setting_the_base_rates(string argument, double value)
    {
        var sgd = TwoGroupSgd();
        var lrs = Lrs(sgd);
        double momentum = sgd.GetGroupValue(0, "momentum");
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => argument switch
        {
            "maxLr" => new CyclicLR(sgd, [1e-3, 1e-3], [1e-2, value]),
            "gamma" => new CyclicLR(sgd, 1e-3, 1e-2, mode: CyclicMode.ExpRange, gamma: value),
            "baseMomentum" => new CyclicLR(sgd, 1e-3, 1e-2, baseMomentum: value),
            _ => new CyclicLR(sgd, 1e-3, 1e-2, maxMomentum: value),
        });
        Assert.Equal(argument, refused.ParamName);
        Assert.Equal(value, refused.ActualValue);
        AssertUntouched(sgd, lrs, momentum);
    }

    [Theory]
    [InlineData("CosineAnnealingLR", double.NaN)]
    [InlineData("CosineAnnealingLR", double.PositiveInfinity)]
    [InlineData("CosineAnnealingLR", -1e-3)]
    [InlineData("CosineAnnealingWarmRestarts", double.NaN)]
    [InlineData("CosineAnnealingWarmRestarts", double.NegativeInfinity)]
    [InlineData("CosineAnnealingWarmRestarts", -1e-3)]
    [InlineData("StepLR", double.NaN)]
    [InlineData("StepLR", double.PositiveInfinity)]
    [InlineData("StepLR", -0.5)]
    [InlineData("MultiStepLR", double.NaN)]
    [InlineData("MultiStepLR", -0.5)]
    [InlineData("ExponentialLR", double.NaN)]
    [InlineData("ExponentialLR", double.PositiveInfinity)]
    [InlineData("ExponentialLR", -0.9)]
    [InlineData("PolynomialLR", double.NaN)]
    [InlineData("PolynomialLR", double.PositiveInfinity)]
    [InlineData("PolynomialLR", -1.0)]
    public void A_bad_rate_or_factor_is_refused_before_the_initial_rates_are_recorded(string scheduler, double value)
    {
        // PyTorch takes these, and the first step they reach gives a NaN, infinite or negative rate.
        var sgd = TwoGroupSgd();
        var lrs = Lrs(sgd);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler switch
        {
            "CosineAnnealingLR" => new CosineAnnealingLR(sgd, tMax: 10, etaMin: value),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(sgd, t0: 10, etaMin: value),
            "StepLR" => new StepLR(sgd, stepSize: 2, gamma: value),
            "MultiStepLR" => new MultiStepLR(sgd, [2, 4], gamma: value),
            "ExponentialLR" => new ExponentialLR(sgd, gamma: value),
            _ => (LRScheduler)new PolynomialLR(sgd, totalIters: 5, power: value),
        });
        Assert.Equal(scheduler.StartsWith("Cosine", StringComparison.Ordinal) ? "etaMin" : scheduler == "PolynomialLR" ? "power" : "gamma", refused.ParamName);
        Assert.Equal(value, refused.ActualValue);
        AssertUntouched(sgd, lrs, 0.9);
    }

    [Fact]
    public void A_refused_argument_records_no_initial_rate()
    {
        // These were checked only after the base constructor had recorded initial_lr in every group.
        Action<Optimizer>[] refusals =
        [
            sgd => _ = new StepLR(sgd, stepSize: 0),
            sgd => _ = new CosineAnnealingLR(sgd, tMax: 0),
            sgd => _ = new CosineAnnealingWarmRestarts(sgd, t0: 0),
            sgd => _ = new PolynomialLR(sgd, totalIters: 0),
            sgd => _ = new ConstantLR(sgd, factor: 1.5),
            sgd => _ = new LinearLR(sgd, startFactor: 0),
            sgd => _ = new LinearLR(sgd, endFactor: double.NaN),
        ];
        foreach (var refusal in refusals)
        {
            var sgd = TwoGroupSgd();
            var lrs = Lrs(sgd);
            Assert.Throws<ArgumentOutOfRangeException>(() => refusal(sgd));
            AssertUntouched(sgd, lrs, 0.9);
        }
    }

    [Fact]
    public void Edge_values_PyTorch_gives_a_meaning_are_kept()
    {
        var sgd = TwoGroupSgd();
        var growing = new ExponentialLR(sgd, gamma: 1.5);
        growing.Step();
        Assert.Equal([0.1 * 1.5, 0.01 * 1.5], Lrs(sgd));
        var zero = TwoGroupSgd();
        var stop = new StepLR(zero, stepSize: 1, gamma: 0);
        stop.Step();
        Assert.Equal([0.0, 0.0], Lrs(zero));
        _ = new CosineAnnealingLR(TwoGroupSgd(), tMax: 5, etaMin: 0);
        _ = new PolynomialLR(TwoGroupSgd(), power: 0);
        _ = new CyclicLR(TwoGroupSgd(), 1e-3, 1e-2, mode: CyclicMode.ExpRange, gamma: 0);
    }

    [Fact]
    public void A_constant_factor_of_0_holds_the_rates_at_0_and_cannot_be_undone_at_total_iters()
    {
        var sgd = TwoGroupSgd();
        var constant = new ConstantLR(sgd, factor: 0, totalIters: 2);
        Assert.Equal([0.0, 0.0], Lrs(sgd));
        constant.Step();
        var before = constant.StateDict().ToJsonString();

        // PyTorch raises ZeroDivisionError here (lr * (1.0 / factor)).
        var refusal = Assert.Throws<DivideByZeroException>(() => constant.Step());
        Assert.Contains("factor of 0", refusal.Message);
        Assert.Equal([0.0, 0.0], Lrs(sgd));
        Assert.Equal(before, constant.StateDict().ToJsonString());
    }

    public static TheoryData<string, string, string> BadStates => new()
    {
        { "ExponentialLR", "gamma", "\"nan\"" },
        { "StepLR", "gamma", "-0.5" },
        { "MultiStepLR", "gamma", "\"inf\"" },
        { "PolynomialLR", "power", "-1" },
        { "CosineAnnealingLR", "eta_min", "\"inf\"" },
        { "CosineAnnealingWarmRestarts", "eta_min", "-0.001" },
        { "ConstantLR", "factor", "2" },
        { "ConstantLR", "factor", "\"nan\"" },
        { "LinearLR", "start_factor", "0" },
        { "LinearLR", "end_factor", "\"nan\"" },
        { "CyclicLR", "max_lrs", "[0.01, \"inf\"]" },
        { "CyclicLR", "gamma", "\"nan\"" },
    };

    [Theory]
    [MemberData(nameof(BadStates))]
    public void A_state_with_a_value_the_constructor_refuses_is_refused_naming_the_key(string scheduler, string key, string json)
    {
        var sgd = TwoGroupSgd();
        LRScheduler made = scheduler switch
        {
            "ExponentialLR" => new ExponentialLR(sgd, 0.9),
            "StepLR" => new StepLR(sgd, 2),
            "MultiStepLR" => new MultiStepLR(sgd, [2]),
            "PolynomialLR" => new PolynomialLR(sgd),
            "CosineAnnealingLR" => new CosineAnnealingLR(sgd, 10),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(sgd, 10),
            "ConstantLR" => new ConstantLR(sgd),
            "LinearLR" => new LinearLR(sgd),
            _ => new CyclicLR(sgd, 1e-3, 1e-2),
        };
        made.Step();
        var before = made.StateDict().ToJsonString();
        var state = made.StateDict();
        state[key] = JsonNode.Parse(json);

        var refused = Assert.Throws<InvalidDataException>(() => made.LoadStateDict(state));
        Assert.Contains($"'{key}'", refused.Message);
        Assert.Equal(before, made.StateDict().ToJsonString());
    }

    [Fact]
    public void Schedule_values_beside_the_hyperparameters_are_kept_per_group()
    {
        var sgd = TwoGroupSgd();
        _ = new OneCycleLR(sgd, maxLr: [0.5, 0.2], totalSteps: 20);
        Assert.Equal(0.5 / 25, sgd.GetGroupValue(0, "initial_lr"));
        Assert.Equal(0.2, sgd.GetGroupValue(1, "max_lr"));
        Assert.Equal(["initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"], sgd.ScheduleValues(0).Select(kv => kv.Key));
        Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => sgd.GetGroupValue(0, "swa_lr"));
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.SetGroupValue(0, "lr", double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.SetGroupValue(0, "lr", -1));
    }
}
