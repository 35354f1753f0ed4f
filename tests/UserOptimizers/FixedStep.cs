using ScratchOptim.Dsl;

namespace UserOptimizers;

/// <summary>Gradient descent whose step size is not called lr: a race, which sets learning rates, has nothing to set.</summary>
[Optimizer(Year = 2024, Family = "sgd", PyTorch = null, StepState = null)]
public partial class FixedStep
{
    /// <summary>The step size.</summary>
    [Hyper(Min = 0)] double step = 0.1;

    void Update(ref Element p, Element g, int t)
    {
        p = p - step * g;
    }
}
