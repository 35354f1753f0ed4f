using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Adagrad: adaptive gradient. SGD takes the same step size for every element; Adagrad divides each element's
/// step by the square root of the sum of all its past squared gradients, so rarely updated (sparse) features
/// keep large steps and frequently updated ones get small steps, without tuning a step size per element.
/// </summary>
[Optimizer(Year = 2011, Authors = "Duchi, Hazan, Singer", Paper = "https://jmlr.org/papers/v12/duchi11a.html",
    BuildsOn = "SGD", Family = "adaptive", PyTorch = "torch.optim.Adagrad")]
public partial class Adagrad
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-2;

    /// <summary>Learning-rate decay: step t uses lr / (1 + (t - 1) * lrDecay).</summary>
    [Hyper(Min = 0)] double lrDecay = 0;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>The value the sum of squared gradients starts from (a positive value damps the first steps).</summary>
    [Hyper(Min = 0)] double initialAccumulatorValue = 0;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-10;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>Sum of all squared gradients so far.</summary>
    [State(Torch = "sum", Init = nameof(initialAccumulatorValue))] Element sum;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0) g = g + weightDecay * p;

        // The decayed learning rate is a Python float in PyTorch: computed in double, rounded once where it meets g.
        double clr = lr / (1 + (t - 1) * lrDecay);

        sum = sum + g * g;
        Element std = Sqrt(sum) + eps;
        // PyTorch's addcdiv: the learning rate multiplies the gradient first, then the quotient is added unfused.
        p = p - clr * g / std;
    }
}
