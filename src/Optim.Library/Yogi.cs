using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Yogi: Adam with an additive second moment. Adam's v decays by a fixed fraction of itself, so when large gradients
/// give way to small ones it shrinks fast and the effective step size jumps; Yogi changes v by (1 - beta2) g² per
/// step, up or down by the sign of g² - v, so a run of small gradients shrinks v only slowly. The authors published
/// TensorFlow code only; this matches the widely used PyTorch port (torch_optimizer.Yogi, after tensorflow/addons),
/// which differs from the paper's algorithm: both moments start at initialAccumulator (the paper starts m at 0 and
/// suggests v from a large mini-batch's g²), and both are bias-corrected as in Adam (the paper has no correction).
/// </summary>
[Optimizer(Year = 2018, Authors = "Zaheer, Reddi, Sachan, Kale, Kumar",
    Paper = "https://papers.nips.cc/paper/8186-adaptive-methods-for-nonconvex-optimization", BuildsOn = "Adam",
    Family = "adaptive", PyTorch = "torch_optimizer.Yogi")]
public partial class Yogi
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0, MinExclusive = true)] double lr = 1e-2;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>How far v moves per step: by (1 - beta2) g², towards g².</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the denominator; the paper recommends 1e-3, much larger than Adam's.</summary>
    [Hyper(Min = 0)] double eps = 1e-3;

    /// <summary>The value both moments start from.</summary>
    [Hyper(Min = 0)] double initialAccumulator = 1e-6;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg", Init = nameof(initialAccumulator))] Element m;

    /// <summary>Second moment, moved additively towards g².</summary>
    [State(Torch = "exp_avg_sq", Init = nameof(initialAccumulator))] Element v;

    void Update(ref Element p, Element g, int t)
    {
        if (weightDecay != 0) g = g + weightDecay * p;

        m = beta1 * m + (1 - beta1) * g;
        Element gSquared = g * g;
        v = v - (1 - beta2) * Sign(v - gSquared) * gSquared;

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        double stepSize = lr / biasCorrection1;
        Element denom = Sqrt(v) / Sqrt(biasCorrection2) + eps;
        p = p - stepSize * m / denom;
    }
}
