using ScratchOptim.Dsl;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Nesterov momentum (accelerated gradient): the heavy ball computes its gradient where the parameters are and
/// then coasts on its velocity, so it reacts late and overshoots. Nesterov's method evaluates the gradient at the
/// look-ahead point the velocity is about to carry the parameters to, which corrects the course one step earlier
/// and gives the optimal O(1/k²) rate on smooth convex problems.
/// </summary>
/// <remarks>
/// <para>
/// The look-ahead form (Sutskever et al. 2013) needs the gradient at a point other than the parameters:
/// v' = γv + η∇f(θ − γv); θ' = θ − v'. Storing the look-ahead point φ = θ − γv as "the parameters" instead gives
/// φ' = θ' − γv' = φ + γv − v' − γv' = φ − (γv' + ηg) with g = ∇f(φ), the gradient at the stored parameters.
/// So this declaration takes one ordinary gradient per step: v' = γv + ηg; φ' = φ − (γv' + ηg). Both forms visit
/// the same look-ahead points; only which point is called "the parameters" differs.
/// </para>
/// <para>
/// With a constant learning rate and no dampening this is PyTorch's SGD(momentum=γ, nesterov=True) in exact
/// arithmetic: PyTorch keeps b = v / η (b' = γb + g; θ' = θ − η(g + γb')), which differs only when the learning
/// rate changes during training and in rounding. Declared strict (every operation rounded on its own) to match the
/// textbook formula computed one operation at a time.
/// </para>
/// </remarks>
[Optimizer(Year = 1983, Authors = "Nesterov", Paper = "https://www.mathnet.ru/eng/dan46009",
    BuildsOn = "HeavyBall", Family = "momentum", PyTorch = null, StepState = null, Contraction = Contraction.Strict)]
public partial class NesterovMomentum
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
        // Step by the updated velocity plus the fresh gradient step: the move to the next look-ahead point.
        p = p - (momentum * velocity + lr * g);
    }
}
