using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// NAdam: Adam with Nesterov momentum. Adam applies classical momentum, which reacts to a change of direction one
/// step late; NAdam applies the look-ahead of Nesterov's method to Adam's first moment, mixing this step's gradient
/// with the momentum the next step will use, and warms the momentum up with a decaying schedule (mu_t).
/// </summary>
[Optimizer(Year = 2016, Authors = "Dozat", Paper = "https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "torch.optim.NAdam")]
public partial class NAdam
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 2e-3;

    /// <summary>Decay rate of the running mean of gradients (the momentum before its warm-up schedule).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>How fast the momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t momentumDecay)) warms up.</summary>
    [Hyper(Min = 0)] double momentumDecay = 4e-3;

    /// <summary>Product of the momentum schedule so far, mu_1 ... mu_t (one value per tensor, float32 as in PyTorch).</summary>
    [State(Torch = "mu_product")] float muProduct = 1;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    void Update(ref Element p, Element g, int t)
    {
        if (weightDecay != 0) g = g + weightDecay * p;

        double mu = beta1 * (1 - 0.5 * Pow(0.96, t * momentumDecay));
        double muNext = beta1 * (1 - 0.5 * Pow(0.96, (t + 1) * momentumDecay));
        // PyTorch keeps the product as a float32 tensor: each product is rounded to float. PyTorch 1.13 multiplies the
        // look-ahead product by mu a second time (mu_product * mu * mu_next); kept here, bit-exactness is the bar.
        muProduct = muProduct * (float)mu;
        float muProductNext = muProduct * (float)mu * (float)muNext;
        double biasCorrection2 = 1 - Pow(beta2, t);

        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;
        Element denom = Sqrt(v / biasCorrection2) + eps;

        // The two step sizes are Python floats computed from the float32 products.
        double gradientStep = -lr * (1 - mu) / (1 - (double)muProduct);
        double momentumStep = -lr * muNext / (1 - (double)muProductNext);
        p = p + gradientStep * g / denom;
        p = p + momentumStep * m / denom;
    }
}
