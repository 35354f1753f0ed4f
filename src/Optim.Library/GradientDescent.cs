using ScratchOptim.Dsl;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Gradient descent: the first general method for minimizing a function of many variables without solving
/// equations for its minimum. Each step moves the parameters a small distance against the gradient, the
/// direction in which the function decreases fastest.
/// </summary>
/// <remarks>
/// Declared strict (every operation rounded on its own) to match the textbook formula computed one operation at a
/// time; with a constant learning rate it is SGD without momentum.
/// </remarks>
[Optimizer(Year = 1847, Authors = "Cauchy", Paper = "https://gallica.bnf.fr/ark:/12148/bpt6k2982c/f540.item",
    Family = "sgd", PyTorch = null, StepState = null, Contraction = Contraction.Strict)]
public partial class GradientDescent
{
    /// <summary>Learning rate: the step length per unit of gradient.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    void Update(ref Element p, Element g, int t)
    {
        p = p - lr * g;
    }
}
