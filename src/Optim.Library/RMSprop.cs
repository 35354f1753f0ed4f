using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// RMSprop: Adagrad's sum of squared gradients only grows, so its steps shrink towards zero and training stalls;
/// RMSprop divides by the root of an exponential moving average of squared gradients instead, which forgets old
/// gradients and keeps the step size adapted to the recent ones. Optionally centered (Graves 2013: divide by an
/// estimate of the standard deviation rather than the root mean square) and with momentum.
/// </summary>
[Optimizer(Year = 2012, Authors = "Tieleman, Hinton", Paper = "https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf",
    BuildsOn = "Adagrad", Family = "adaptive", PyTorch = "torch.optim.RMSprop")]
public partial class RMSprop
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-2;

    /// <summary>Smoothing constant: how much of the previous mean of squared gradients each step keeps.</summary>
    [Hyper(Min = 0)] double alpha = 0.99;

    /// <summary>Added to the denominator (outside the square root) for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Momentum factor applied to the scaled gradient (0 disables momentum).</summary>
    [Hyper(Min = 0)] double momentum = 0;

    /// <summary>Centered RMSprop: subtract the square of the running mean of gradients, i.e. divide by an estimate of the variance.</summary>
    [Hyper] bool centered = false;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>
    /// Which PyTorch release to reproduce bit for bit; only centered RMSprop differs. V2 updates the running mean of
    /// gradients with grad_avg.lerp_(grad, 1 - alpha); V1_13 with a multiply-add.
    /// </summary>
    [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;

    /// <summary>Running mean of squared gradients.</summary>
    [State(Torch = "square_avg")] Element squareAvg;

    /// <summary>The velocity of the scaled gradients (momentum only).</summary>
    [State(Torch = "momentum_buffer")] Element buf;

    /// <summary>Running mean of gradients (centered only).</summary>
    [State(Torch = "grad_avg")] Element gradAvg;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        if (weightDecay != 0) g = g + weightDecay * p;

        squareAvg = alpha * squareAvg + (1 - alpha) * g * g;

        Element avg;
        if (centered)
        {
            if (pytorch == PyTorchVersion.V1_13) gradAvg = alpha * gradAvg + (1 - alpha) * g;
            else gradAvg = Lerp(gradAvg, g, 1 - alpha);
            // PyTorch's addcmul fuses the subtraction of the squared mean into one rounding.
            avg = Sqrt(squareAvg - gradAvg * gradAvg);
        }
        else
        {
            avg = Sqrt(squareAvg);
        }
        // eps is added outside the square root (Adadelta adds it inside).
        avg = avg + eps;

        if (momentum > 0)
        {
            // PyTorch's addcdiv: the quotient is rounded before it is added to the decayed velocity.
            buf = momentum * buf + g / avg;
            p = p - lr * buf;
        }
        else
        {
            // addcdiv again: lr multiplies the gradient first, and the quotient is added unfused.
            p = p - lr * g / avg;
        }
    }
}
