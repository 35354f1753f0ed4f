using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Adadelta: fixes Adagrad's ever-shrinking steps by averaging squared gradients over a decaying window, and
/// removes the need to choose a global learning rate by giving the step the right units: the root mean square
/// of recent updates over the root mean square of recent gradients.
/// </summary>
[Optimizer(Year = 2012, Authors = "Zeiler", Paper = "https://arxiv.org/abs/1212.5701",
    BuildsOn = "Adagrad", Family = "adaptive", PyTorch = "torch.optim.Adadelta")]
public partial class Adadelta
{
    /// <summary>Scales the update; the method itself needs none, so the default is 1.</summary>
    [Hyper(Min = 0)] double lr = 1.0;

    /// <summary>Decay rate of the running means of squared gradients and squared updates.</summary>
    [Hyper(Min = 0, Max = 1)] double rho = 0.9;

    /// <summary>Added inside both square roots; it also sets the size of the very first updates.</summary>
    [Hyper(Min = 0)] double eps = 1e-6;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>Running mean of squared gradients.</summary>
    [State(Torch = "square_avg")] Element squareAvg;

    /// <summary>Running mean of squared updates.</summary>
    [State(Torch = "acc_delta")] Element accDelta;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0) g = g + weightDecay * p;

        squareAvg = rho * squareAvg + (1 - rho) * g * g;
        Element std = Sqrt(squareAvg + eps);
        // PyTorch divides the two roots first, then multiplies by the gradient.
        Element delta = Sqrt(accDelta + eps) / std * g;
        accDelta = rho * accDelta + (1 - rho) * delta * delta;
        p = p - lr * delta;
    }
}
