using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Prodigy: Adam that estimates its own learning rate. Adam's best learning rate depends on the distance D from the
/// initial weights to a solution, which nobody knows in advance; D-Adaptation estimated D from the gradients, but grew
/// the estimate slowly. Prodigy weights the running sums behind the estimate by the step sizes already taken, so d
/// rises to the right scale within a few hundred steps, and multiplies Adam's step by it: lr stays 1. As the authors'
/// prodigyopt, the estimate is one value for the whole optimizer: its sums run over every tensor of every parameter
/// group (each step passes over them twice), and it is computed with the first group's settings, so the groups must
/// agree on lr, the betas, d0, dCoef, growthRate and useBiasCorrection. Weight decay, eps and safeguardWarmup may
/// differ, and so may decouple, which the authors take from the first group. Also as theirs: decoupled weight decay by default, no bias correction unless asked, and d kept at d0 until
/// the first estimate exceeds it. Not offered: their groups with lr 0 beside others, and slice_p (estimating d from
/// every p-th element).
/// </summary>
[Optimizer(Year = 2023, Authors = "Mishchenko, Defazio", Paper = "https://arxiv.org/abs/2306.06101",
    BuildsOn = "Adam", Family = "learning-rate-free", PyTorch = "prodigyopt.Prodigy", AcrossGroups = true)]
public partial class Prodigy
{
    /// <summary>Multiplies the estimated step size d; leave it at 1 unless training is unstable.</summary>
    [Hyper(Min = 0, MinExclusive = true)] double lr = 1;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Decay rate of the running sums that estimate d; null is the square root of beta2 (the authors' None).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double? beta3 = null;

    /// <summary>Added to the denominator, scaled by d, for numerical stability.</summary>
    [Hyper(Min = 0, MinExclusive = true)] double eps = 1e-8;

    /// <summary>Weight decay: decoupled (the weights shrink by weightDecay * d * lr) unless decouple is false (an L2 penalty).</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Decay the weights directly (AdamW) rather than adding weightDecay * p to the gradient.</summary>
    [Hyper] bool decouple = true;

    /// <summary>Use Adam's bias correction of the step size (off by default, as the authors').</summary>
    [Hyper] bool useBiasCorrection = false;

    /// <summary>Leave lr out of the running sum s, which keeps d from growing too fast while lr warms up.</summary>
    [Hyper] bool safeguardWarmup = false;

    /// <summary>The initial estimate of d; it rarely needs changing.</summary>
    [Hyper(Min = 0, MinExclusive = true)] double d0 = 1e-6;

    /// <summary>Multiplies each new estimate of d: the preferred way to tune the method (0.5 and 2 often work too).</summary>
    [Hyper(Min = 0, MinExclusive = true)] double dCoef = 1;

    /// <summary>The largest factor by which d may grow in one step; null for no limit (the authors' float('inf')).</summary>
    [Hyper(Min = 1)] double? growthRate = null;

    /// <summary>Running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>The running sum of gradients weighted by the step sizes taken, whose L1 norm is the estimate's denominator.</summary>
    [State] Element s;

    /// <summary>The weights at the first step, from which the distance travelled is measured.</summary>
    [State] Element p0;

    /// <summary>The estimate of D, the distance to a solution, that scales the steps.</summary>
    [State(Shape = StateShape.Group, Init = nameof(d0))] double d;

    /// <summary>The largest estimate so far.</summary>
    [State(Shape = StateShape.Group, Init = nameof(d0), Torch = "d_max")] double dMax;

    /// <summary>The running sum of the inner products of gradients with the distance travelled: the estimate's numerator.</summary>
    [State(Shape = StateShape.Group, Torch = "d_numerator")] double dNumerator;

    /// <summary>The estimate's denominator at the last step: the L1 norm of s over every group.</summary>
    [State(Shape = StateShape.Group, Torch = "d_denom")] double dDenom;

    /// <summary>The last estimate, dCoef * dNumerator / dDenom.</summary>
    [State(Shape = StateShape.Group, Torch = "d_hat")] double dHat;

    /// <summary>The optimizer's steps so far (steps on which no gradient moved s do not count).</summary>
    [State(Shape = StateShape.Group)] double k;

    void Update(ref Element p, Element g, int t)
    {
        if (t == 1) p0 = p;
        if (weightDecay != 0 && !decouple) g = g + weightDecay * p;
        double b3 = beta3 ?? Sqrt(beta2);
        double biasCorrection = useBiasCorrection ? Pow(1 - Pow(beta2, k + 1), 0.5) / (1 - Pow(beta1, k + 1)) : 1;
        double dlr = d * lr * biasCorrection;

        // Adam's moments, scaled by d; s sums the gradients weighted by the step sizes.
        m = beta1 * m + d * (1 - beta1) * g;
        v = beta2 * v + d * d * (1 - beta2) * g * g;
        s = b3 * s + (safeguardWarmup ? d / d0 * d : d / d0 * dlr) * g;

        // The estimate's running sums, over every tensor of every group.
        double numerator = b3 * dNumerator + d / d0 * dlr * GroupSum(g * (p0 - p));
        double denominator = GroupSum(Abs(s));

        // As the authors: no gradient has moved s yet, so no estimate and no step.
        if (denominator != 0)
        {
            dNumerator = numerator;
            dDenom = denominator;
            dHat = dCoef * numerator / denominator;
            if (d == d0) d = Max(d, dHat);
            dMax = Max(dMax, dHat);
            d = Min(dMax, d * (growthRate ?? double.PositiveInfinity));
            k = k + 1;

            if (weightDecay != 0 && decouple) p = p - weightDecay * dlr * p;
            p = p - dlr * m / (Sqrt(v) + d * eps);
        }
    }
}
