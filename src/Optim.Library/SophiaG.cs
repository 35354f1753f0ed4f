using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// SophiaG: a second-order clipped stochastic optimizer. Adam divides the momentum by the root of the squared gradients,
/// a poor stand-in for curvature; Sophia divides it by an estimate h of the Hessian's diagonal, refreshed only every
/// few steps (cheaply, from one extra gradient), and clips each element of the step to ±lr, so that where the estimate
/// is tiny or wrong the step stays a sign step. The estimate comes from the caller: every k steps (the authors use 10),
/// set each parameter's gradient to that of the loss at labels sampled from the model's own output distribution (the
/// Gauss-Newton-Bartlett estimator) and call UpdateHessian(). The batch size enters the denominator (rho * bs * h); the
/// authors pass it to every step(bs=...), here it is the setting batchSize. Matches the authors' code (SophiaG).
/// </summary>
[Optimizer(Year = 2023, Authors = "Liu, Li, Hall, Liang, Ma", Paper = "https://arxiv.org/abs/2305.14342",
    BuildsOn = "AdamW", Family = "second-order", PyTorch = "sophia.SophiaG")]
public partial class SophiaG
{
    /// <summary>Learning rate: the largest step of any element.</summary>
    [Hyper(Min = 0)] double lr = 1e-4;

    /// <summary>Decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.965;

    /// <summary>Decay rate of the running mean of Hessian estimates (UpdateHessian).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.99;

    /// <summary>Scale of the Hessian estimate in the denominator: smaller values clip more elements to a sign step.</summary>
    [Hyper(Min = 0)] double rho = 0.04;

    /// <summary>Decoupled weight decay: the weights are multiplied by 1 - lr * weightDecay before each step.</summary>
    [Hyper(Min = 0)] double weightDecay = 0.1;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>
    /// The batch size (in the authors' training script, tokens per batch), which scales the Hessian estimate: the
    /// argument bs of the authors' step(bs=...), whose default it keeps.
    /// </summary>
    [Hyper(Min = 0, Torch = "bs")] int batchSize = 5120;

    /// <summary>Momentum: running mean of gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Running mean of the Hessian estimates: the square of the gradients given to UpdateHessian.</summary>
    [State(Torch = "hessian")] Element h;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        p = p * (1 - lr * weightDecay);
        m = beta1 * m + (1 - beta1) * g;

        // The momentum over the scaled Hessian estimate, at most 1: where h is small the step is lr * sign(m).
        Element ratio = Min(Abs(m) / (rho * batchSize * h + 1e-15), 1);
        p = p - lr * Sign(m) * ratio;
    }

    /// <summary>
    /// Updates the Hessian estimate from each parameter's gradient, which the caller sets first to the gradient of the
    /// loss at labels sampled from the model's own predictions (the authors' update_hessian(); parameters without a
    /// gradient are left alone).
    /// </summary>
    [Procedure]
    void UpdateHessian(Element g)
    {
        h = beta2 * h + (1 - beta2) * g * g;
    }
}
