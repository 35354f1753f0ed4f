using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// AdEMAMix: AdamW with a mixture of two momenta. One exponential moving average cannot both react to the latest
/// gradients (small beta1) and remember gradients from thousands of steps back (beta near 1), yet old gradients stay
/// useful for a long time; AdEMAMix adds a slow average (beta3 = 0.9999) to Adam's fast one and steps along
/// fast + alpha * slow. Because the slow average is untrustworthy early on, alpha and beta3 can be warmed up
/// (alphaWarmup, beta3Warmup: alpha linearly from 0, beta3 from beta1 linearly in half-life). Matches the authors' code,
/// whose half-life adds 1e-8 inside its logarithm (so beta1 = 0 can start the warmup) and which keeps no fast average
/// when beta1 = 0 (the gradient takes its place, saving its memory); the authors' None for a warmup is 0 here.
/// </summary>
[Optimizer(Year = 2024, Authors = "Pagliardini, Ablin, Grangier", Paper = "https://arxiv.org/abs/2409.03137",
    BuildsOn = "AdamW", Family = "adaptive", PyTorch = "ademamix.AdEMAMix")]
public partial class AdEMAMix
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the fast running mean of gradients (0: none, the gradient itself).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Decay rate of the slow running mean of gradients (after its warmup).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[2]")] double beta3 = 0.9999;

    /// <summary>Weight of the slow mean in the step (after its warmup).</summary>
    [Hyper(Min = 0)] double alpha = 2.0;

    /// <summary>Steps over which beta3 rises from beta1 to its value, linearly in half-life (0: no warmup; the authors' None).</summary>
    [Hyper(Min = 0)] int beta3Warmup = 0;

    /// <summary>Steps over which alpha rises linearly from 0 to its value (0: no warmup; the authors' None).</summary>
    [Hyper(Min = 0)] int alphaWarmup = 0;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay as in AdamW: weightDecay * p is added to the step, which is scaled by lr.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>The fast running mean of gradients, as Adam's (not kept when beta1 = 0).</summary>
    [State(Torch = "exp_avg_fast")] Element mFast;

    /// <summary>The slow running mean of gradients.</summary>
    [State(Torch = "exp_avg_slow")] Element mSlow;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    void Update(ref Element p, Element g, int t)
    {
        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);

        // Warmups: alpha rises linearly from 0; beta3 from beta1, linearly in the half-life h(beta) = ln(1/2) / ln(beta) - 1.
        double alphaProgress = (double)t / alphaWarmup;
        double alphaT = t < alphaWarmup ? alphaProgress * alpha : alpha;
        double beta3Progress = (double)t / beta3Warmup;
        double halfLifeStart = Log(0.5) / Log(beta1 + 1e-8) - 1;
        double halfLifeEnd = Log(0.5) / Log(beta3 + 1e-8) - 1;
        double beta3T = t < beta3Warmup ? Pow(0.5, 1 / ((1 - beta3Progress) * halfLifeStart + beta3Progress * halfLifeEnd + 1)) : beta3;

        Element fast;
        if (beta1 != 0)
        {
            mFast = beta1 * mFast + (1 - beta1) * g;
            fast = mFast;
        }
        else
        {
            fast = g;
        }
        mSlow = beta3T * mSlow + (1 - beta3T) * g;
        v = beta2 * v + (1 - beta2) * g * g;

        Element denom = Sqrt(v) / Sqrt(biasCorrection2) + eps;
        // The authors' separate tensor operations, each rounded: no multiply-add is fused here.
        Element slow = alphaT * mSlow;
        Element update = (fast / biasCorrection1 + slow) / denom;
        update = update + weightDecay * p;
        Element step = lr * update;
        p = p - step;
    }
}
