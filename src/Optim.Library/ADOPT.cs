using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// ADOPT: Adam that converges for any beta2. Adam can diverge unless beta2 is tuned to the problem, because the
/// current gradient enters the second moment it is divided by, which correlates the two; ADOPT divides the gradient by
/// the previous second moment (so the first gradient only initialises v and moves nothing), and normalises before
/// the momentum instead of after it, which gives the optimal rate with any beta2. The authors' current code also
/// clips the normalised gradient to ±(t - 1)^(1/4) (clip_lambda; None turns it off: clip = false here), added after
/// the paper's first version because near-zero v made the early steps unstable. Matches the authors' code; the
/// paper's algorithm, with the clipping of its updated version, is what the code computes.
/// </summary>
[Optimizer(Year = 2024, Authors = "Taniguchi, Harada, Minegishi, Oshima, Jeong, Nagahara, Iiyama, Suzuki, Iwasawa, Matsuo",
    Paper = "https://arxiv.org/abs/2411.02853", BuildsOn = "Adam", Family = "adaptive", PyTorch = "adopt.ADOPT")]
public partial class ADOPT
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of normalised gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients; any value in [0, 1) converges.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.9999;

    /// <summary>The smallest denominator: the gradient is divided by max(sqrt(v), eps).</summary>
    [Hyper(Min = 0)] double eps = 1e-6;

    /// <summary>
    /// Clip the normalised gradient to ±(t - 1)^(1/4), the authors' default clip_lambda (lambda step: step**0.25 of the
    /// number of steps before this one); false is clip_lambda = None, the unclipped algorithm of the paper's first version.
    /// </summary>
    [Hyper(Torch = "clip_lambda")] bool clip = true;

    /// <summary>Weight decay: an L2 penalty added to the gradient, or decoupled (decouple).</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Decoupled weight decay as in AdamW: multiply the weights by 1 - lr * weightDecay (from the second step on).</summary>
    [Hyper] bool decouple = false;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>First moment: running mean of normalised gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients, one step behind the gradient it normalises.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0 && !decouple) g = g + weightDecay * p;

        double clipValue = Pow(t - 1, 0.25);
        if (t == 1)
        {
            // The first gradient only initialises v (the paper's v0 = g0²); the parameters do not move.
            v = v + g * g;
        }
        else
        {
            if (weightDecay != 0 && decouple) p = p - lr * weightDecay * p;

            Element normed = g / Max(Sqrt(v), eps);
            if (clip) normed = Clamp(normed, -clipValue, clipValue);

            m = Lerp(m, normed, 1 - beta1);

            p = p - lr * m;
            v = beta2 * v + (1 - beta2) * g * g;
        }
    }
}
