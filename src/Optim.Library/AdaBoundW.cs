using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// AdaBoundW: AdaBound with decoupled weight decay, from the same file of the authors' code. The decay is not the
/// paper's (nor AdamW's): each step subtracts weightDecay * p, with p taken before the step and not scaled by the
/// learning rate. Otherwise as AdaBound, with the same deviations from the paper: the bias-corrected step size is
/// clipped (biasCorrection = false clips lr / (sqrt(v) + eps)), there is no 1/sqrt(t) decay, and a schedule sets
/// finalLr itself where the authors scale it by lr / (the lr at construction).
/// </summary>
[Optimizer(Year = 2019, Authors = "Luo, Xiong, Liu, Sun", Paper = "https://arxiv.org/abs/1902.09843",
    BuildsOn = "AdaBound", Family = "adaptive", PyTorch = "adabound.AdaBoundW")]
public partial class AdaBoundW
{
    /// <summary>Learning rate of the Adam phase.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>The learning rate of the SGD phase, where both bounds converge.</summary>
    [Hyper(Min = 0)] double finalLr = 0.1;

    /// <summary>How fast the bounds close in: finalLr (1 - 1/(gamma t + 1)) and finalLr (1 + 1/(gamma t)).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double gamma = 1e-3;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay: each step also subtracts weightDecay * p (not scaled by the learning rate).</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>AMSBound: divide by the largest second moment so far, as AMSGrad does.</summary>
    [Hyper] bool amsbound = false;

    /// <summary>
    /// Bias-correct the step size before clipping it, as the authors' code does; false clips lr / (sqrt(v) + eps), as the
    /// paper's algorithm does. Not an argument of the authors' class.
    /// </summary>
    [Hyper] bool biasCorrection = true;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>Largest second moment so far (AMSBound only).</summary>
    [State(Torch = "max_exp_avg_sq")] Element vMax;

    void Update(ref Element p, Element g, int t)
    {
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;
        Element denom;
        if (amsbound)
        {
            vMax = Max(vMax, v);
            denom = Sqrt(vMax) + eps;
        }
        else
        {
            denom = Sqrt(v) + eps;
        }

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        double stepSize = biasCorrection ? lr * Sqrt(biasCorrection2) / biasCorrection1 : lr;
        double lowerBound = finalLr * (1 - 1 / (gamma * t + 1));
        double upperBound = finalLr * (1 + 1 / (gamma * t));

        // Adam's step size, one per element (the authors fill a tensor with it, so it is divided, not inverted),
        // clipped between the bounds.
        Element stepSizes = stepSize;
        stepSizes = Clamp(stepSizes / denom, lowerBound, upperBound);
        Element update = stepSizes * m;
        // The decay is taken from the weights before the step, and rounded on its own.
        Element decay = p * weightDecay;
        p = p - update;
        if (weightDecay != 0) p = p - decay;
    }
}
