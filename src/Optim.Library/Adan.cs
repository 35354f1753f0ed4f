using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Adan: adaptive Nesterov momentum. Nesterov's momentum converges faster by taking the gradient at a point ahead of
/// the weights, which costs a second gradient evaluation that deep learning cannot afford; Adan gets the same
/// look-ahead from the difference of consecutive gradients. It keeps running means of the gradient (m), of the
/// gradient's change (v) and of the square of the look-ahead gradient g + beta2 (g - g_prev) (n), steps along both
/// means divided by the root of n, and applies weight decay as a proximal step (dividing the weights by
/// 1 + lr * weightDecay). With maxGradNorm, the gradients are first clipped to that global norm, taken over the
/// tensors of every parameter group, as the authors' code does (sail-sg/Adan, single-tensor path). The groups must
/// agree on maxGradNorm, which the authors read from the constructor; each group's own eps goes into its clipping
/// factor, where the authors use the last group's. Also as theirs:
/// the paper's betas are one minus these. The bias corrections use each parameter's step count where the authors count
/// steps per group (the same unless a parameter skips steps).
/// </summary>
[Optimizer(Year = 2022, Authors = "Xie, Zhou, Li, Lin, Yan", Paper = "https://arxiv.org/abs/2208.06677",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "adan.Adan", StepState = null, AcrossGroups = true)]
public partial class Adan
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.98;

    /// <summary>Decay rate of the running mean of gradient differences, and the look-ahead's weight on the difference.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.92;

    /// <summary>Decay rate of the running mean of squared look-ahead gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[2]")] double beta3 = 0.99;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Weight decay: a proximal step (the weights are divided by 1 + lr * weightDecay) unless noProx.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Clip the gradients of every group to this global norm before the step; 0 for no clipping.</summary>
    [Hyper(Min = 0)] double maxGradNorm = 0;

    /// <summary>Decay the weights by lr * weightDecay before the step (AdamW's way) instead of the proximal step after it.</summary>
    [Hyper] bool noProx = false;

    /// <summary>Running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Running mean of the gradient's change from the previous step.</summary>
    [State(Torch = "exp_avg_diff")] Element v;

    /// <summary>Running mean of squared look-ahead gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element n;

    /// <summary>The previous step's (clipped) gradient, negated, as the authors keep it.</summary>
    [State(Torch = "neg_pre_grad")] Element negPrevGrad;

    void Update(ref Element p, Element g, int t)
    {
        if (maxGradNorm > 0) g = g * Min(maxGradNorm / (GroupNorm(g) + eps), 1);
        if (t == 1) negPrevGrad = -g;

        Element difference = g + negPrevGrad;
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * difference;
        // The look-ahead gradient g + beta2 (g - g_prev), rounded as the authors' code: the product first.
        Element lookAhead = difference * beta2 + g;
        n = beta3 * n + (1 - beta3) * lookAhead * lookAhead;

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        double biasCorrection3 = 1 - Pow(beta3, t);
        Element denom = Sqrt(n) / Sqrt(biasCorrection3) + eps;
        double stepSize = lr / biasCorrection1;
        double stepSizeDifference = lr * beta2 / biasCorrection2;

        if (noProx) p = p * (1 - lr * weightDecay);
        p = p - stepSize * m / denom;
        p = p - stepSizeDifference * v / denom;
        if (!noProx) p = p / (1 + lr * weightDecay);
        negPrevGrad = -g;
    }
}
