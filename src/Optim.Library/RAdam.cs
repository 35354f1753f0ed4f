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

    /// <summary>
    /// Decay the weights directly, by lr * weightDecay per step (AdamW's decoupled weight decay), instead of adding
    /// weightDecay * p to the gradient. A PyTorch 2.x option.
    /// </summary>
    [Hyper] bool decoupledWeightDecay = false;

    /// <summary>Maximize the objective instead of minimizing it. A PyTorch 2.x option.</summary>
    [Hyper] bool maximize = false;

    /// <summary>
    /// Which PyTorch release to reproduce bit for bit. V2 updates the first moment with exp_avg.lerp_(grad, 1 - beta1)
    /// and takes the roots of the rectification term and of the bias correction as x ** 0.5; V1_13 with a multiply-add
    /// and math.sqrt.
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0)
        {
            if (decoupledWeightDecay) p = p * (1 - lr * weightDecay);
            else g = g + weightDecay * p;
        }

        if (pytorch == PyTorchVersion.V1_13) m = beta1 * m + (1 - beta1) * g;
        else m = Lerp(m, g, 1 - beta1);
        v = beta2 * v + (1 - beta2) * g * g;

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        // Length of the simple moving average that the running mean of squared gradients approximates:
        // rhoInf in the limit, rhoT after t steps.
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * Pow(beta2, t) / biasCorrection2;
        // The variance rectification term (only used once rhoT > 5, where it is well defined). libm's pow(x, 0.5),
        // which 2.x calls, and sqrt(x), which 1.13 called, may differ in the last bit.
        double rectSquared = (rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT);
        double rect = pytorch == PyTorchVersion.V1_13 ? Sqrt(rectSquared) : Pow(rectSquared, 0.5);
        double biasCorrection2Sqrt = pytorch == PyTorchVersion.V1_13 ? Sqrt(biasCorrection2) : Pow(biasCorrection2, 0.5);

        Element bcm = m / biasCorrection1;
        Element update;
        if (rhoT > 5)
        {
            // A scalar divided by a tensor: PyTorch takes the reciprocal of the denominator, then multiplies.
            Element adaptive = biasCorrection2Sqrt / (Sqrt(v) + eps);
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
