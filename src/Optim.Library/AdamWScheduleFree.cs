using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Schedule-Free AdamW: Schedule-Free SGD's averaging with AdamW's step. The SGD sequence z steps along the gradient
/// divided by Adam's root-mean-square denominator (plus decoupled weight decay at y); z is averaged into x on the fly
/// and the gradient is taken at y = (1 - beta1) z + beta1 x, so beta1 plays momentum's part and no learning-rate
/// schedule is needed. The parameters hold y while training and x for evaluation: call Train() before the first step
/// and after evaluating, Eval() before evaluating or saving (the authors' train() and eval()); Step() in evaluation
/// mode is refused, as the authors' is. Matches the authors' code, including its optional inner momentum (an Adam first
/// moment); the average's weights, which the authors keep in the parameter group, are kept per tensor here, the same
/// as long as every parameter has a gradient at every step.
/// </summary>
[Optimizer(Year = 2024, Authors = "Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky", Paper = "https://arxiv.org/abs/2405.15682",
    BuildsOn = "AdamW", Family = "schedule-free", PyTorch = "schedulefree.AdamWScheduleFree", StepState = null)]
public partial class AdamWScheduleFree
{
    /// <summary>Learning rate (after the warmup).</summary>
    [Hyper(Min = 0)] double lr = 0.0025;

    /// <summary>Interpolation between the average x and the sequence z where the gradient is taken: y = (1 - beta1) z + beta1 x.</summary>
    [Hyper(Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay, at y: weightDecay * y is added to the normalised gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Steps over which the learning rate rises linearly from lr / warmupSteps to lr.</summary>
    [Hyper(Min = 0)] int warmupSteps = 0;

    /// <summary>Polynomial weighting of the average: step t weighs t^r.</summary>
    [Hyper] double r = 0.0;

    /// <summary>The average weighs each step by the largest learning rate so far to this power (0: no weighting).</summary>
    [Hyper] double weightLrPower = 2.0;

    /// <summary>Decay rate of an Adam first moment of the gradient, divided by the denominator instead of the gradient (0: none).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double innerMomentum = 0.0;

    /// <summary>
    /// Which PyTorch release's lerp Eval reproduces: its weight 1 - 1/beta1 is negative, and from -0.5 down 2.x
    /// interpolates from z where 1.13 interpolates from p (the other lerps have weights in [0, 1), where they agree).
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>The sequence z, from which y and x are interpolated (it starts at the parameter).</summary>
    [State] Element z;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>First moment of the inner momentum (only when innerMomentum is not 0).</summary>
    [State(Torch = "exp_avg")] Element m;

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
        double biasCorrection1 = 1 - Pow(innerMomentum, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        lrMax = Max(scheduledLr, lrMax);
        double weight = Pow(t, r) * Pow(lrMax, weightLrPower);
        weightSum = weightSum + weight;
        // The new point's weight in the average x; the authors' 0 when every weight so far is 0.
        double ckp1 = weightSum != 0 ? weight / weightSum : 0;

        v = beta2 * v + (1 - beta2) * g * g;
        Element denom = Sqrt(v / biasCorrection2) + eps;
        Element normalized;
        if (innerMomentum != 0)
        {
            m = innerMomentum * m + (1 - innerMomentum) * g;
            normalized = m / biasCorrection1 / denom;
        }
        else
        {
            normalized = g / denom;
        }
        if (weightDecay != 0) normalized = normalized + weightDecay * p;

        // y moves towards z, and along the normalised gradient: the average and the AdamW step in one update of y.
        p = Lerp(p, z, ckp1);
        double gradientWeight = scheduledLr * (beta1 * (1 - ckp1) - 1);
        p = p + gradientWeight * normalized;
        z = z - scheduledLr * normalized;
    }

    /// <summary>
    /// Switches the parameters to the average x, to evaluate the model or save it (the authors' eval()); nothing happens
    /// when they hold x already, or to a parameter that has not taken a step.
    /// </summary>
    [Procedure]
    void Eval(ref Element p, int t)
    {
        double toAverage = 1 - 1 / beta1;
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
        if (trainMode == 0 && t > 0) p = Lerp(p, z, 1 - beta1);
        trainMode = 1;
    }
}
