using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Adamax: Adam with the infinity norm. Adam scales by the root of a running mean of squared gradients (an L2
/// norm); Adamax replaces it by an exponentially weighted maximum of absolute gradients, which needs no bias
/// correction and is less sensitive to rare large gradients.
/// </summary>
[Optimizer(Year = 2014, Authors = "Kingma, Ba", Paper = "https://arxiv.org/abs/1412.6980",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "torch.optim.Adamax")]
public partial class Adamax
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 2e-3;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the weighted maximum of absolute gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to the absolute gradient (inside the maximum) for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>
    /// Which PyTorch release to reproduce bit for bit. V2 updates the first moment with exp_avg.lerp_(grad, 1 - beta1);
    /// V1_13 with a multiply-add.
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>First moment: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Exponentially weighted infinity norm: a decaying maximum of absolute gradients.</summary>
    [State(Torch = "exp_inf")] Element u;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0) g = g + weightDecay * p;

        if (pytorch == PyTorchVersion.V1_13) m = beta1 * m + (1 - beta1) * g;
        else m = Lerp(m, g, 1 - beta1);
        // PyTorch adds eps to |g| inside the maximum, not to the denominator.
        u = Max(beta2 * u, Abs(g) + eps);

        // Only the first moment needs a bias correction; it is folded into the step size, in double.
        double clr = lr / (1 - Pow(beta1, t));
        p = p - clr * m / u;
    }
}
