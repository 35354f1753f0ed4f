using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// AdamW: Adam with decoupled weight decay. Adam's L2 penalty passes through the adaptive denominator, so weights
/// with large gradients are barely regularized; AdamW shrinks the weights directly, by lr * weightDecay per step,
/// before the Adam update.
/// </summary>
[Optimizer(Year = 2017, Authors = "Loshchilov, Hutter", Paper = "https://arxiv.org/abs/1711.05101",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "torch.optim.AdamW")]
public partial class AdamW
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay: each step first multiplies the weights by 1 - lr * weightDecay.</summary>
    [Hyper(Min = 0)] double weightDecay = 1e-2;

    /// <summary>Use the AMSGrad variant: divide by the largest second moment seen so far.</summary>
    [Hyper] bool amsgrad = false;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>
    /// Which PyTorch release to reproduce bit for bit. V2 (where AdamW is Adam with decoupled weight decay) updates the
    /// first moment with exp_avg.lerp_(grad, 1 - beta1) and takes the root of the bias correction as
    /// bias_correction2 ** 0.5; V1_13 with a multiply-add and math.sqrt.
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Second moment: running mean of squared gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>Largest second moment so far (AMSGrad only).</summary>
    [State(Torch = "max_exp_avg_sq")] Element vMax;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        p = p * (1 - lr * weightDecay);

        if (pytorch == PyTorchVersion.V1_13) m = beta1 * m + (1 - beta1) * g;
        else m = Lerp(m, g, 1 - beta1);
        v = beta2 * v + (1 - beta2) * g * g;

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        double stepSize = lr / biasCorrection1;
        // libm's pow(x, 0.5) and sqrt(x) may differ in the last bit.
        double biasCorrection2Sqrt = pytorch == PyTorchVersion.V1_13 ? Sqrt(biasCorrection2) : Pow(biasCorrection2, 0.5);

        Element denom;
        if (amsgrad)
        {
            vMax = Max(vMax, v);
            denom = Sqrt(vMax) / biasCorrection2Sqrt + eps;
        }
        else
        {
            denom = Sqrt(v) / biasCorrection2Sqrt + eps;
        }
        p = p - stepSize * m / denom;
    }
}
