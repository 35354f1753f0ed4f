using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Schedule-Free SGD: no learning-rate schedule, no stopping time to fix in advance. An SGD sequence z is averaged
/// into x on the fly (weights rising with the learning rate during the warmup), and the gradient is taken at y, an
/// interpolation between the two that acts as momentum; the average matches the best schedules without knowing when
/// training ends. The parameters hold y while training and x for evaluation: call Train() before the first step and
/// after evaluating, Eval() before evaluating or saving (the authors' train() and eval()); Step() in evaluation mode is
/// refused, as the authors' is. Matches the authors' code, which keeps the average's weights in the parameter group;
/// here each tensor keeps them, which is the same as long as every parameter has a gradient at every step.
/// </summary>
[Optimizer(Year = 2024, Authors = "Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky", Paper = "https://arxiv.org/abs/2405.15682",
    BuildsOn = "SGD", Family = "schedule-free", PyTorch = "schedulefree.SGDScheduleFree", StepState = null)]
public partial class SGDScheduleFree
{
    /// <summary>Learning rate (after the warmup).</summary>
    [Hyper(Min = 0)] double lr = 1.0;

    /// <summary>Interpolation between the average x and the SGD sequence z where the gradient is taken: y = (1 - momentum) z + momentum x.</summary>
    [Hyper(Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true)] double momentum = 0.9;

    /// <summary>L2 penalty: adds weightDecay * y to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Steps over which the learning rate rises linearly from lr / warmupSteps to lr.</summary>
    [Hyper(Min = 0)] int warmupSteps = 0;

    /// <summary>Polynomial weighting of the average: step t weighs t^r.</summary>
    [Hyper] double r = 0.0;

    /// <summary>The average weighs each step by the largest learning rate so far to this power (0: no weighting).</summary>
    [Hyper] double weightLrPower = 2.0;

    /// <summary>
    /// Which PyTorch release's lerp Eval reproduces: its weight 1 - 1/momentum is negative, and from -0.5 down 2.x
    /// interpolates from z where 1.13 interpolates from p (the other lerps have weights in [0, 1), where they agree).
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>The SGD sequence z, from which y and x are interpolated (it starts at the parameter).</summary>
    [State] Element z;

    /// <summary>Sum of the average's weights so far (the authors keep it in the parameter group).</summary>
    [State(Torch = "weight_sum")] double weightSum;

    /// <summary>Largest learning rate so far (the authors keep it in the parameter group).</summary>
    [State(Torch = "lr_max")] double lrMax = -1;

    /// <summary>1 while the parameter holds y (Train), 0 while it holds x (Eval); the optimizer starts in evaluation mode.</summary>
    [State(Torch = "train_mode")] double trainMode;

    void Update(ref Element p, Element g, int t)
    {
        Require(trainMode != 0, "not in train mode: call Train() before Step() (the optimizer starts in evaluation mode, and Eval() switches to it)");
        if (t == 1) z = p;

        double scheduledLr = t <= warmupSteps ? lr * ((double)t / warmupSteps) : lr;
        lrMax = Max(scheduledLr, lrMax);
        double weight = Pow(t, r) * Pow(lrMax, weightLrPower);
        weightSum = weightSum + weight;
        // The new point's weight in the average x; the authors' 0 when every weight so far is 0.
        double ckp1 = weightSum != 0 ? weight / weightSum : 0;

        if (weightDecay != 0) g = g + weightDecay * p;

        // y moves towards z, and along the gradient: the average and the SGD step in one update of y.
        p = Lerp(p, z, ckp1);
        double gradientWeight = scheduledLr * (momentum * (1 - ckp1) - 1);
        p = p + gradientWeight * g;
        z = z - scheduledLr * g;
    }

    /// <summary>
    /// Switches the parameters to the average x, to evaluate the model or save it (the authors' eval()); nothing happens
    /// when they hold x already, or to a parameter that has not taken a step.
    /// </summary>
    [Procedure]
    void Eval(ref Element p, int t)
    {
        double toAverage = 1 - 1 / momentum;
        if (trainMode != 0 && t > 0)
        {
            // PyTorch 1.13's lerp takes the form from p for every weight below 0.5, negative ones included.
            if (pytorch == PyTorchVersion.V1_13) p = p + toAverage * (z - p);
            else p = Lerp(p, z, toAverage);
        }
        trainMode = 0;
    }

    /// <summary>
    /// Switches the parameters back to y, where the gradients are taken, for training (the authors' train()); call it
    /// before the first step. Nothing happens when they hold y already, or to a parameter that has not taken a step.
    /// </summary>
    [Procedure]
    void Train(ref Element p, int t)
    {
        if (trainMode == 0 && t > 0) p = Lerp(p, z, 1 - momentum);
        trainMode = 1;
    }
}
