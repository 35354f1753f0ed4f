using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// AdaBound: Adam that turns into SGD. Adam generalizes worse than SGD, which the authors trace to extreme
/// per-element step sizes, too large and too small; AdaBound clips Adam's step size lr / (sqrt(v) + eps) per element
/// between a lower and an upper bound that both converge to finalLr, so training starts adaptive and ends as SGD with
/// momentum at learning rate finalLr. Matches the authors' code, which differs from the paper's algorithm: it clips
/// the bias-corrected step size (so where the bound is active the first moment's correction is lost; biasCorrection =
/// false clips lr / (sqrt(v) + eps) as the paper does) and has no 1/sqrt(t) decay. The authors scale finalLr by lr /
/// (the lr at construction) so that an lr schedule moves the bounds too; here a schedule sets finalLr itself.
/// </summary>
[Optimizer(Year = 2019, Authors = "Luo, Xiong, Liu, Sun", Paper = "https://arxiv.org/abs/1902.09843",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "adabound.AdaBound")]
public partial class AdaBound
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

    /// <summary>L2 penalty: adds weightDecay * p to the gradient (AdaBoundW decouples it).</summary>
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
        if (weightDecay != 0) g = g + weightDecay * p;

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
        p = p - update;
    }
}
