using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// AdaMod: Adam with momental bounds on its step sizes. Early in training Adam's per-element step sizes
/// lr / (sqrt(v) + eps) can be extremely large (v rests on a few gradients), which makes training unstable and is why
/// transformers need a warmup; AdaMod keeps a running mean of each element's step size (decay beta3) and never lets a
/// step size exceed it, which smooths out the spikes and acts as an automatic warmup, since the mean starts at zero.
/// Matches the authors' code: Adam's bias correction is folded into the step size (so the running mean averages
/// bias-corrected step sizes), weight decay shrinks the weights directly by lr * weightDecay (the class's docstring
/// calls it an L2 penalty), and beta3 defaults to 0.999 (the docstring says 0.9999).
/// </summary>
[Optimizer(Year = 2019, Authors = "Ding, Ren, Luo, Sun", Paper = "https://arxiv.org/abs/1910.12249",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "adamod.AdaMod")]
public partial class AdaMod
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Decay rate of the running mean of step sizes that bounds them: about 1 / (1 - beta3) steps of memory.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double beta3 = 0.999;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay: each step first subtracts lr * weightDecay * p.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>Running mean of the step sizes, the momental bound.</summary>
    [State(Torch = "exp_avg_lr")] Element stepSizeAvg;

    void Update(ref Element p, Element g, int t)
    {
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;
        Element denom = Sqrt(v) + eps;

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        double stepSize = lr * Sqrt(biasCorrection2) / biasCorrection1;

        if (weightDecay != 0) p = p - weightDecay * lr * p;

        // Adam's step size, one per element (the authors fill a tensor with it, so it is divided, not inverted),
        // bounded by its own running mean.
        Element stepSizes = stepSize;
        stepSizes = stepSizes / denom;
        stepSizeAvg = beta3 * stepSizeAvg + (1 - beta3) * stepSizes;
        stepSizes = Min(stepSizes, stepSizeAvg);
        Element update = stepSizes * m;
        p = p - update;
    }
}
