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

    /// <summary>
    /// Decay the weights directly, by lr * weightDecay per step (AdamW's decoupled weight decay), instead of adding
    /// weightDecay * p to the gradient. A PyTorch 2.x option.
    /// </summary>
    [Hyper] bool decoupledWeightDecay = false;

    /// <summary>Maximize the objective instead of minimizing it. A PyTorch 2.x option.</summary>
    [Hyper] bool maximize = false;

    /// <summary>
    /// Which PyTorch release to reproduce bit for bit. V2 updates the first moment with exp_avg.lerp_(grad, 1 - beta1)
    /// and computes the look-ahead product mu_product * mu_next in double; V1_13 with a multiply-add and the float32
    /// product mu_product * mu * mu_next, which counts mu twice (a bug, fixed in 2.0).
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>Product of the momentum schedule so far, mu_1 ... mu_t (one value per tensor, float32 as in PyTorch).</summary>
    [State(Torch = "mu_product")] float muProduct = 1;

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

        double mu = beta1 * (1 - 0.5 * Pow(0.96, t * momentumDecay));
        double muNext = beta1 * (1 - 0.5 * Pow(0.96, (t + 1) * momentumDecay));
        // PyTorch keeps the product as a float32 tensor: each product is rounded to float.
        muProduct = muProduct * (float)mu;
        // The look-ahead product: 2.x reads the float32 product as a Python float and multiplies in double; 1.13
        // multiplied float32 tensors and by mu a second time (mu_product * mu * mu_next).
        double muProductNext = pytorch == PyTorchVersion.V1_13 ? muProduct * (float)mu * (float)muNext : muProduct * muNext;
        double biasCorrection2 = 1 - Pow(beta2, t);

        if (pytorch == PyTorchVersion.V1_13) m = beta1 * m + (1 - beta1) * g;
        else m = Lerp(m, g, 1 - beta1);
        v = beta2 * v + (1 - beta2) * g * g;
        Element denom = Sqrt(v / biasCorrection2) + eps;

        // The two step sizes are Python floats computed from the float32 products.
        double gradientStep = -lr * (1 - mu) / (1 - (double)muProduct);
        double momentumStep = -lr * muNext / (1 - muProductNext);
        p = p + gradientStep * g / denom;
        p = p + momentumStep * m / denom;
    }
}
