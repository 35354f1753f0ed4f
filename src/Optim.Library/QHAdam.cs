using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// QHAdam: quasi-hyperbolic Adam. Momentum averages out the gradient's noise but reacts late, and the plain gradient
/// reacts at once but is noisy; QHAdam steps along a weighted average of the two, (1 - nu1) g + nu1 m, divided by
/// the root of the same average of g² and v, which recovers Adam (nus = 1), NAdam, RMSprop and others as special
/// cases. Matches the authors' code, which keeps the moments bias-corrected as they go: each tensor keeps weights
/// w ← 1 + beta w (Python floats, so doubles) and decays its moments by 1 - 1/w, the same averages as Adam's corrected
/// ones in exact arithmetic.
/// </summary>
[Optimizer(Year = 2018, Authors = "Ma, Yarats", Paper = "https://arxiv.org/abs/1810.06801", BuildsOn = "Adam",
    Family = "adaptive", PyTorch = "qhoptim.pyt.QHAdam", StepState = null)]
public partial class QHAdam
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Weight of the momentum against the plain gradient in the step (1: Adam's numerator).</summary>
    [Hyper(Torch = "nus[0]")] double nu1 = 1.0;

    /// <summary>Weight of the running mean of squared gradients against g² in the denominator (1: Adam's).</summary>
    [Hyper(Torch = "nus[1]")] double nu2 = 1.0;

    /// <summary>Weight decay: an L2 penalty added to the gradient, or decoupled (decoupleWeightDecay).</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Decoupled weight decay as in AdamW (the authors' QHAdamW): multiply the weights by 1 - lr * weightDecay.</summary>
    [Hyper] bool decoupleWeightDecay = false;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Sum of beta1^i over the steps so far: the first moment decays by 1 - 1/beta1Weight.</summary>
    [State(Torch = "beta1_weight")] double beta1Weight;

    /// <summary>Sum of beta2^i over the steps so far: the second moment decays by 1 - 1/beta2Weight.</summary>
    [State(Torch = "beta2_weight")] double beta2Weight;

    /// <summary>First moment: the bias-corrected running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: the bias-corrected running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    void Update(ref Element p, Element g, int t)
    {
        if (weightDecay != 0)
        {
            if (decoupleWeightDecay) p = p * (1 - lr * weightDecay);
            else g = g + weightDecay * p;
        }
        Element gSquared = g * g;

        beta1Weight = 1 + beta1 * beta1Weight;
        beta2Weight = 1 + beta2 * beta2Weight;
        double beta1Adjusted = 1 - 1 / beta1Weight;
        double beta2Adjusted = 1 - 1 / beta2Weight;
        m = beta1Adjusted * m + (1 - beta1Adjusted) * g;
        v = beta2Adjusted * v + (1 - beta2Adjusted) * gSquared;

        // The quasi-hyperbolic averages: nu of the moment, 1 - nu of this step's value.
        Element numerator = nu1 * m;
        if (nu1 != 1) numerator = numerator + (1 - nu1) * g;
        Element denominator = nu2 * v;
        if (nu2 != 1) denominator = denominator + (1 - nu2) * gSquared;
        denominator = Sqrt(denominator);
        if (eps != 0) denominator = denominator + eps;
        p = p - lr * numerator / denominator;
    }
}
