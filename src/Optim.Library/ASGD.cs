using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Averaged SGD: SGD with a decaying step size, plus a running average of the iterates from step t0 on. The last
/// SGD iterate keeps bouncing around the minimum with the gradient noise; the average of the iterates converges at
/// the optimal rate even with the larger steps that make SGD fast early on.
/// </summary>
[Optimizer(Year = 1992, Authors = "Polyak, Juditsky", Paper = "https://doi.org/10.1137/0330046",
    BuildsOn = "SGD", Family = "sgd", PyTorch = "torch.optim.ASGD")]
public partial class ASGD
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-2;

    /// <summary>Decay term of the step size: eta_t = lr / (1 + lambd lr t)^alpha.</summary>
    [Hyper] double lambd = 1e-4;

    /// <summary>Power of the step-size decay.</summary>
    [Hyper] double alpha = 0.75;

    /// <summary>The step from which the iterates are averaged.</summary>
    [Hyper] double t0 = 1e6;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>The current step size (one value per tensor, float32 as in PyTorch).</summary>
    [State(Init = nameof(lr))] float eta;

    /// <summary>The weight of the newest iterate in the average (one value per tensor): 1 until step t0.</summary>
    [State] float mu = 1;

    /// <summary>The averaged iterate.</summary>
    [State] Element ax;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0) g = g + weightDecay * p;

        p = p * (1 - lambd * eta);
        p = p - eta * g;
        if (mu != 1)
        {
            // PyTorch rounds the weighted difference before adding it to the average.
            Element delta = (p - ax) * mu;
            ax = ax + delta;
        }
        else
        {
            ax = p;
        }

        // The step size and the averaging weight for the next step.
        eta = (float)(lr / Pow(1 + lambd * lr * t, alpha));
        mu = (float)(1 / Max(1, t - t0));
    }
}
