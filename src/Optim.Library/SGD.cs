using ScratchOptim.Dsl;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Stochastic gradient descent: step against a noisy gradient of one mini-batch instead of the exact gradient of
/// the whole data set, which makes each step cheap; with optional heavy-ball or Nesterov momentum, which averages
/// the noisy gradients into a velocity and speeds progress along consistent directions.
/// </summary>
[Optimizer(Year = 1951, Authors = "Robbins, Monro", Paper = "https://doi.org/10.1214/aoms/1177729586",
    BuildsOn = "GradientDescent", Family = "sgd", PyTorch = "torch.optim.SGD", StepState = null)]
public partial class SGD
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Momentum factor: how much of the previous velocity each step keeps (0 disables momentum).</summary>
    [Hyper(Min = 0)] double momentum = 0;

    /// <summary>Dampening for momentum: the fraction of each new gradient left out of the velocity.</summary>
    [Hyper] double dampening = 0;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Use Nesterov momentum: step along the gradient plus the updated velocity.</summary>
    [Hyper] bool nesterov = false;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>The velocity: a running sum of past gradients.</summary>
    [State(Torch = "momentum_buffer")] Element buf;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0) g = g + weightDecay * p;
        if (momentum != 0)
        {
            // PyTorch starts the velocity at the first gradient, without dampening.
            if (t == 1) buf = g;
            else buf = momentum * buf + (1 - dampening) * g;

            if (nesterov) g = g + momentum * buf;
            else g = buf;
        }
        p = p - lr * g;
    }
}
