using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace UserOptimizers;

/// <summary>Sign descent: every element steps the learning rate against the sign of its gradient.</summary>
[Optimizer(Year = 2018, Authors = "Bernstein et al.", BuildsOn = "GradientDescent", Family = "sign", PyTorch = null, StepState = null)]
public partial class SignDescent
{
    /// <summary>Learning rate: the length of every element's step.</summary>
    [Hyper(Min = 0)] double lr = 1e-2;

    void Update(ref Element p, Element g, int t)
    {
        p = p - lr * Sign(g);
    }
}
