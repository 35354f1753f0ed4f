using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// LAMB: layer-wise adaptive moments for large batches. With a batch of tens of thousands, Adam's steps must shrink
/// or training diverges, because one learning rate cannot suit every layer at once. LAMB scales each tensor's Adam
/// step by a trust ratio, the norm of the weights over the norm of the step, so every layer moves by a similar fraction
/// of its own size. This is the authors' v3 update as in cybertronai/pytorch-lamb: no bias correction, the weight norm
/// clamped to [0, 10], a trust ratio of 1 where either norm is 0.
/// </summary>
[Optimizer(Year = 2019, Authors = "You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer, Hsieh",
    Paper = "https://arxiv.org/abs/1904.00962", BuildsOn = "Adam", Family = "layer-wise")]
public partial class Lamb
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-6;

    /// <summary>Decoupled weight decay, added to the Adam step before its norm is taken.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Use a trust ratio of 1, which turns LAMB into Adam without bias correction (for comparisons).</summary>
    [Hyper] bool adam = false;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>The norm of the weights before this step, clamped to [0, 10] (float32, as the authors keep it).</summary>
    [State(Torch = "weight_norm")] float weightNorm;

    /// <summary>The norm of this step's Adam update.</summary>
    [State(Torch = "adam_norm")] float adamNorm;

    /// <summary>weightNorm / adamNorm, or 1 when either is 0.</summary>
    [State(Torch = "trust_ratio")] float trustRatio;

    void Update(ref Element p, Element g, int t)
    {
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;

        weightNorm = (float)Clamp(Norm(p), 0, 10);
        Element adamStep = m / (Sqrt(v) + eps);
        if (weightDecay != 0) adamStep = adamStep + weightDecay * p;
        adamNorm = (float)Norm(adamStep);
        trustRatio = weightNorm == 0 || adamNorm == 0 ? 1 : weightNorm / adamNorm;

        // The authors record the trust ratio even when adam=True sets it to 1 for the step.
        double ratio = adam ? 1 : trustRatio;
        p = p - lr * ratio * adamStep;
    }
}
