using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Muon: momentum orthogonalized by Newton–Schulz. SGD's momentum makes each step of a weight matrix a few large
/// singular directions and many small ones, so the small ones barely learn. Muon replaces the momentum (or its
/// Nesterov look-ahead) by the nearest semi-orthogonal matrix, every singular value moved near 1, with a few
/// iterations of a quintic Newton–Schulz polynomial instead of an SVD, and steps along it: the same step size in every
/// direction of the matrix. For the 2-D weights of hidden layers; biases, gains, embeddings and the output layer go to
/// AdamW (see <see cref="MuonParameters"/>). As torch.optim.Muon, whose Newton–Schulz runs in bfloat16 for every
/// parameter type (<see cref="MatrixPrecision.BFloat16"/>, the default); float32 and the element type are settings.
/// </summary>
[Optimizer(Year = 2024, Authors = "Jordan, Jin, Boza, You, Cesista, Newhouse, Bernstein", Paper = "https://kellerjordan.github.io/posts/muon/",
    BuildsOn = "SGD", Family = "matrix", PyTorch = "torch.optim.Muon", StepState = null, MinRank = 2, MaxRank = 2)]
public partial class Muon
{
    /// <summary>Learning rate, before the adjustment to the matrix's shape (<c>adjustLrFn</c>).</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decoupled weight decay: the weights shrink by lr * weightDecay each step.</summary>
    [Hyper(Min = 0)] double weightDecay = 0.1;

    /// <summary>Momentum: the weight of the previous momentum in the running mean of gradients.</summary>
    [Hyper(Min = 0)] double momentum = 0.95;

    /// <summary>Orthogonalize the Nesterov look-ahead (the gradient moved towards the momentum) instead of the momentum.</summary>
    [Hyper] bool nesterov = true;

    /// <summary>Newton–Schulz coefficient a (of X).</summary>
    [Hyper(Torch = "ns_coefficients[0]")] double nsA = 3.4445;

    /// <summary>Newton–Schulz coefficient b (of X·Xᵀ·X).</summary>
    [Hyper(Torch = "ns_coefficients[1]")] double nsB = -4.775;

    /// <summary>Newton–Schulz coefficient c (of (X·Xᵀ)²·X).</summary>
    [Hyper(Torch = "ns_coefficients[2]")] double nsC = 2.0315;

    /// <summary>The smallest norm the matrix is divided by before the iterations.</summary>
    [Hyper(Min = 0)] double eps = 1e-7;

    /// <summary>Number of Newton–Schulz iterations (fewer than 100).</summary>
    [Hyper(Min = 0, Max = 99)] int nsSteps = 5;

    /// <summary>How the learning rate scales with the matrix's shape (rows A, columns B).</summary>
    [Hyper] MuonLrAdjustment adjustLrFn = MuonLrAdjustment.Original;

    /// <summary>The arithmetic of the Newton–Schulz iterations: PyTorch's bfloat16 by default (not a torch.optim.Muon argument).</summary>
    [Hyper(Torch = "ns_precision")] MatrixPrecision nsPrecision = MatrixPrecision.BFloat16;

    /// <summary>Running mean of gradients.</summary>
    [State(Torch = "momentum_buffer")] Element momentumBuffer;

    void Update(ref Element p, Element g, int t)
    {
        momentumBuffer = Lerp(momentumBuffer, g, 1 - momentum);
        Element direction = nesterov ? Lerp(g, momentumBuffer, momentum) : momentumBuffer;
        Element update = Orthogonalize(direction, nsSteps, nsA, nsB, nsC, eps, MatrixNormalization.ClampedNorm, nsPrecision);

        double ratio = adjustLrFn == MuonLrAdjustment.Original ? Sqrt(Max(1, (double)Rows(p) / Columns(p)))
            : adjustLrFn == MuonLrAdjustment.MatchRmsAdamW ? 0.2 * Sqrt(Max(Rows(p), Columns(p)))
            : Sqrt((double)Rows(p) / Columns(p));
        p = p * (1 - lr * weightDecay);
        p = p - lr * ratio * update;
    }
}

/// <summary>How <see cref="Muon"/> scales its learning rate by the shape A × B of the matrix (torch's <c>adjust_lr_fn</c>).</summary>
public enum MuonLrAdjustment
{
    /// <summary>√max(1, A/B): the authors' (Keller Jordan's); torch's default (<c>None</c> or <c>"original"</c>).</summary>
    Original = 0,

    /// <summary>0.2·√max(A, B): matches AdamW's update RMS, so AdamW's learning rate and weight decay carry over (Moonshot AI).</summary>
    MatchRmsAdamW = 1,

    /// <summary>√(A/B), not clamped at 1 (Bernstein's spectral condition).</summary>
    SpectralUnclamped = 2,
}
