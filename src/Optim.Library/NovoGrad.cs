using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// NovoGrad: Adam's second moment, one per layer. Adam keeps a second moment per weight, which costs as much memory as
/// the weights and is noisy early on; NovoGrad keeps one per tensor (the running mean of the squared gradient norm),
/// normalizes the gradient by it before momentum, and decouples weight decay from the adaptive step. As NVIDIA NeMo's
/// Novograd: the second moment starts at the first gradient's squared norm and is a float32 number even for float64
/// parameters; the optional layer-wise update clipping (luc) caps the step at lucTrust * ||p|| / ||m||.
/// </summary>
[Optimizer(Year = 2019, Authors = "Ginsburg, Castonguay, Hrinchuk, Kuchaiev, Lavrukhin, Leary, Li, Nguyen, Zhang, Cohen",
    Paper = "https://arxiv.org/abs/1905.11286", BuildsOn = "Adam", Family = "layer-wise")]
public partial class NovoGrad
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the momentum.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.95;

    /// <summary>Decay rate of the per-tensor second moment.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.98;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay, added to the normalized gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Scale the normalized gradient by (1 - beta1) before momentum, as Adam's running mean does.</summary>
    [Hyper] bool gradAveraging = false;

    /// <summary>Divide by the largest second moment seen so far (AMSGrad).</summary>
    [Hyper] bool amsgrad = false;

    /// <summary>Layer-wise update clipping: the step size is at most lucTrust * ||p|| / (||m|| + lucEps).</summary>
    [Hyper] bool luc = false;

    /// <summary>The trust coefficient of layer-wise update clipping.</summary>
    [Hyper(Min = 0)] double lucTrust = 1e-3;

    /// <summary>Added to ||m|| in layer-wise update clipping.</summary>
    [Hyper(Min = 0)] double lucEps = 1e-8;

    /// <summary>Momentum of the normalized gradient.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Running mean of the squared gradient norm: one float32 per tensor.</summary>
    [State(Torch = "exp_avg_sq")] float v;

    /// <summary>The largest v so far (AMSGrad).</summary>
    [State(Torch = "max_exp_avg_sq")] float vMax;

    void Update(ref Element p, Element g, int t)
    {
        double squaredNorm = Sum(g * g);
        v = v == 0 ? (float)squaredNorm : (float)(beta2 * v + (1 - beta2) * squaredNorm);
        if (amsgrad) vMax = (float)Max(vMax, v);
        double denom = Sqrt(amsgrad ? vMax : v) + eps;

        Element normalized = g / denom;
        if (weightDecay != 0) normalized = normalized + weightDecay * p;
        if (gradAveraging) normalized = normalized * (1 - beta1);
        m = beta1 * m + normalized;

        double stepSize = luc ? Min(lucTrust * Norm(p) / (Norm(m) + lucEps), lr) : lr;
        p = p - stepSize * m;
    }
}
