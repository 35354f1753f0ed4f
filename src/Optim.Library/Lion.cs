using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Lion: evolved sign momentum. Found by a program search over update rules rather than designed; it keeps only
/// momentum (half of Adam's memory) and steps every element by the same amount, lr times the sign of an interpolation
/// between the momentum and the gradient, so the update has the same size everywhere; the momentum then follows the
/// gradient more slowly (beta2 > beta1). Its steps are larger than Adam's, hence the smaller default lr and the larger
/// weight decay it is used with. Matches the authors' code (google/automl) and the popular lucidrains port, which
/// round the interpolation differently (<see cref="LionImplementation"/>).
/// </summary>
[Optimizer(Year = 2023, Authors = "Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu, Le",
    Paper = "https://arxiv.org/abs/2302.06675", BuildsOn = "AdamW", Family = "sign", PyTorch = "lion_pytorch.Lion", StepState = null)]
public partial class Lion
{
    /// <summary>Learning rate: the size of every element's step.</summary>
    [Hyper(Min = 0)] double lr = 1e-4;

    /// <summary>Weight of the momentum in the interpolation whose sign is the step.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the momentum.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.99;

    /// <summary>Decoupled weight decay: the weights are multiplied by 1 - lr * weightDecay before each step.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>
    /// The lucidrains port's option: divide weightDecay by the learning rate, so the weights shrink by weightDecay per
    /// step whatever lr is. The port divides by the lr it was constructed with (a schedule then scales the decay);
    /// here by the current lr, so a schedule leaves it alone.
    /// </summary>
    [Hyper] bool decoupledWeightDecay = false;

    /// <summary>Whose rounding of the interpolation to reproduce: the authors' code or the lucidrains port.</summary>
    [Hyper] LionImplementation implementation = LionImplementation.Authors;

    /// <summary>Momentum: running mean of gradients, with decay rate beta2.</summary>
    [State(Torch = "exp_avg")] Element m;

    void Update(ref Element p, Element g, int t)
    {
        double decay = decoupledWeightDecay && lr != 0 ? weightDecay / lr : weightDecay;
        p = p * (1 - lr * decay);

        // The interpolation, whose sign alone is used.
        Element c;
        if (implementation == LionImplementation.Authors)
        {
            // exp_avg * beta1 + grad * (1 - beta1): each product rounded on its own.
            Element momentumPart = m * beta1;
            Element gradientPart = g * (1 - beta1);
            c = momentumPart + gradientPart;
        }
        else
        {
            // exp_avg.mul(beta1).add(grad, alpha=1 - beta1): the second product fused into the sum.
            c = beta1 * m + (1 - beta1) * g;
        }
        p = p - lr * Sign(c);

        m = beta2 * m + (1 - beta2) * g;
    }
}

/// <summary>Whose Lion code to reproduce bit for bit: they round the interpolation c = beta1 m + (1 - beta1) g differently.</summary>
public enum LionImplementation
{
    /// <summary>The authors' code (google/automl, lion_pytorch.py): exp_avg * beta1 + grad * (1 - beta1), three roundings.</summary>
    Authors = 0,

    /// <summary>The lucidrains/lion-pytorch port: exp_avg.mul(beta1).add(grad, alpha=1 - beta1), one product fused into the sum.</summary>
    Lucidrains = 1,
}
