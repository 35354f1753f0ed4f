using ScratchOptim.Dsl;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Heavy-ball momentum: gradient descent zigzags across narrow valleys and crawls along their floor. Polyak's
/// heavy ball keeps a velocity, a decaying sum of past steps, so oscillating components cancel and consistent
/// ones accumulate, like a heavy ball rolling down the valley.
/// </summary>
/// <remarks>
/// <para>The textbook form, with the learning rate inside the velocity: v = γv + ηg; θ = θ − v.</para>
/// <para>
/// With a constant learning rate and no dampening this is SGD(momentum=γ) in exact arithmetic: PyTorch keeps
/// b = v / η instead (b = γb + g; θ = θ − ηb), which differs only when the learning rate changes during training
/// and in rounding. Declared strict (every operation rounded on its own) to match the textbook formula computed one
/// operation at a time.
/// </para>
/// </remarks>
[Optimizer(Year = 1964, Authors = "Polyak", Paper = "https://doi.org/10.1016/0041-5553(64)90137-5",
    BuildsOn = "GradientDescent", Family = "momentum", PyTorch = null, StepState = null, Contraction = Contraction.Strict)]
public partial class HeavyBall
{
    /// <summary>Learning rate (η): the step length per unit of gradient.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Momentum factor (γ): how much of the previous velocity each step keeps (0 is gradient descent).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double momentum = 0.9;

    /// <summary>The velocity: the decaying sum of past steps.</summary>
    [State] Element velocity;

    void Update(ref Element p, Element g, int t)
    {
        velocity = momentum * velocity + lr * g;
        p = p - velocity;
    }
}
