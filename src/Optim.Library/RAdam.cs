using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// RAdam: rectified Adam. In Adam's first steps the running mean of squared gradients rests on a handful of
/// samples, so the adaptive step size has a huge variance, which is why Adam needs a learning-rate warmup.
/// RAdam estimates the length of that average (rhoT); while it is too short (rhoT &lt;= 5) it takes plain
/// momentum steps, and afterwards multiplies Adam's step by a rectification term that removes the excess variance.
/// </summary>
[Optimizer(Year = 2019, Authors = "Liu, Jiang, He, Chen, Liu, Gao, Han", Paper = "https://arxiv.org/abs/1908.03265",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "torch.optim.RAdam")]
public partial class RAdam
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    void Update(ref Element p, Element g, int t)
    {
        if (weightDecay != 0) g = g + weightDecay * p;

        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        // Length of the simple moving average that the running mean of squared gradients approximates:
        // rhoInf in the limit, rhoT after t steps.
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * Pow(beta2, t) / biasCorrection2;
        // The variance rectification term (only used once rhoT > 5, where it is well defined).
        double rect = Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));

        Element bcm = m / biasCorrection1;
        Element update;
        if (rhoT > 5)
        {
            // A scalar divided by a tensor: PyTorch takes the reciprocal of the denominator, then multiplies.
            Element adaptive = Sqrt(biasCorrection2) / (Sqrt(v) + eps);
            // PyTorch builds the whole step as a tensor (each product rounded) before subtracting it,
            // so it is stored in a local: subtracting the product directly would fuse the last multiplication.
            update = bcm * lr * adaptive * rect;
        }
        else
        {
            update = bcm * lr;
        }
        p = p - update;
    }
}
