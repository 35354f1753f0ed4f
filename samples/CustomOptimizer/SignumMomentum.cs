using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace CustomOptimizer;

/// <summary>
/// Signum: sign-based momentum. Keeps a running mean of the gradients, as momentum does, but steps every element by
/// the same amount, the learning rate, in the direction of that mean's sign: the gradient's magnitude is thrown
/// away, only its (averaged) direction is kept. With beta = 0 it is signSGD.
/// </summary>
[Optimizer(Year = 2018, Authors = "Bernstein, Wang, Azizzadenesheli, Anandkumar", Paper = "https://arxiv.org/abs/1802.04434",
    BuildsOn = "HeavyBall", Family = "sign", PyTorch = null, StepState = null)]
public partial class SignumMomentum
{
    /// <summary>Learning rate: the length of every element's step.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients (0 gives signSGD).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double beta = 0.9;

    /// <summary>Momentum: running mean of gradients.</summary>
    [State] Element m;

    void Update(ref Element p, Element g, int t)
    {
        m = beta * m + (1 - beta) * g;
        p = p - lr * Sign(m);
    }
}
