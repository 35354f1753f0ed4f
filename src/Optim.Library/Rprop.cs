using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Rprop: resilient backpropagation. Gradient descent's step is proportional to the gradient's magnitude, which
/// varies wildly across weights and over training; Rprop uses only the gradient's sign, with a step size per
/// element that grows while the sign stays the same and shrinks when it flips (the last step overshot a minimum).
/// Meant for full-batch training: with noisy mini-batch gradients the signs flip at random.
/// </summary>
[Optimizer(Year = 1993, Authors = "Riedmiller, Braun", Paper = "https://doi.org/10.1109/ICNN.1993.298623",
    BuildsOn = "GradientDescent", Family = "sign", PyTorch = "torch.optim.Rprop")]
public partial class Rprop
{
    /// <summary>Learning rate: the step size every element starts with (each then adapts its own).</summary>
    [Hyper(Min = 0)] double lr = 1e-2;

    /// <summary>Factor that shrinks the step size when the gradient changes sign.</summary>
    [Hyper(Min = 0, MinExclusive = true, Max = 1, MaxExclusive = true, Torch = "etas[0]")] double etaMinus = 0.5;

    /// <summary>Factor that grows the step size while the gradient keeps its sign.</summary>
    [Hyper(Min = 1, MinExclusive = true, Torch = "etas[1]")] double etaPlus = 1.2;

    /// <summary>Smallest step size.</summary>
    [Hyper(Torch = "step_sizes[0]")] double stepSizeMin = 1e-6;

    /// <summary>Largest step size.</summary>
    [Hyper(Torch = "step_sizes[1]")] double stepSizeMax = 50;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>The gradient of the previous step (0 where it changed sign).</summary>
    [State(Torch = "prev")] Element prev;

    /// <summary>The step size of each element, starting at lr.</summary>
    [State(Torch = "step_size", Init = nameof(lr))] Element stepSize;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;

        // +1 where the gradient kept its sign, -1 where it flipped, 0 where either gradient is zero.
        Element s = Sign(g * prev);
        Element factor = s > 0 ? etaPlus : s < 0 ? etaMinus : 1;
        stepSize = Clamp(stepSize * factor, stepSizeMin, stepSizeMax);

        // Where the sign flipped, skip this step and forget the gradient, so the next step neither grows nor
        // shrinks. PyTorch finds these elements by comparing the factor with etaMinus (rounded to float).
        g = factor == etaMinus ? 0 : g;
        p = p - Sign(g) * stepSize;
        prev = g;
    }
}
