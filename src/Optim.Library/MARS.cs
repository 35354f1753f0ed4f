using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// MARS: variance reduction for adaptive optimizers. Stochastic gradients are noisy, and variance-reduction methods
/// (STORM) correct each gradient by the change of the gradient since the previous step, but had not been combined with
/// preconditioners that scale large models. MARS corrects the gradient by gamma * beta1 / (1 - beta1) times that change,
/// caps the corrected gradient's norm at 1 per tensor, and feeds it to AdamW (or to Lion's sign update). As the authors'
/// code (AGI-Arena/MARS, the approximate form that takes the previous step's gradient): matrices take the MARS update,
/// other tensors AdamW with their own rate, betas and weight decay unless optimize1d, as the authors' optimize_1d; the
/// authors scale lr_1d by the group's lr over the lr given at construction (so a schedule of lr moves it), where here
/// adamLr is a setting of its own. The Shampoo form orthogonalizes the momentum of a matrix by Newton–Schulz, as Muon
/// (the authors' coefficients and 5 iterations, the norm plus eps as divisor, scaled by √max(1, rows/columns)); other
/// tensors that take the MARS update (optimize1d) get its AdamW form there, as in the authors' code. The authors run
/// Newton–Schulz in bfloat16 on the GPU; the reference runs were made in float32, the default here (nsPrecision).
/// </summary>
[Optimizer(Year = 2024, Authors = "Yuan, Liu, Wu, Zhou, Gu", Paper = "https://arxiv.org/abs/2411.10438",
    BuildsOn = "AdamW", Family = "adaptive", PyTorch = "mars.MARS")]
public partial class MARS
{
    /// <summary>Learning rate of the MARS update.</summary>
    [Hyper(Min = 0)] double lr = 3e-3;

    /// <summary>Decay rate of the running mean of corrected gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.95;

    /// <summary>Decay rate of the running mean of squared corrected gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.99;

    /// <summary>Added to the denominator for numerical stability.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay of the MARS update.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Divide by the largest second moment seen so far (AMSGrad), in both updates.</summary>
    [Hyper] bool amsgrad = false;

    /// <summary>How strongly the gradient's change corrects it (the paper's gamma).</summary>
    [Hyper(Min = 0)] double gamma = 0.025;

    /// <summary>The update the corrected gradient feeds: AdamW's, Lion's sign or Shampoo's orthogonalized momentum.</summary>
    [Hyper] MarsType marsType = MarsType.AdamW;

    /// <summary>Give every tensor the MARS update, not only matrices.</summary>
    [Hyper(Torch = "optimize_1d")] bool optimize1d = false;

    /// <summary>Learning rate of the AdamW update of tensors that are not matrices.</summary>
    [Hyper(Min = 0, Torch = "lr_1d")] double adamLr = 3e-3;

    /// <summary>Decay rate of the running mean of gradients, for tensors that are not matrices.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas_1d[0]")] double adamBeta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared gradients, for tensors that are not matrices.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas_1d[1]")] double adamBeta2 = 0.95;

    /// <summary>Decoupled weight decay of tensors that are not matrices.</summary>
    [Hyper(Min = 0, Torch = "weight_decay_1d")] double adamWeightDecay = 0.1;

    /// <summary>The arithmetic of the Shampoo form's Newton–Schulz: float32 as the reference runs (the authors' GPU code: bfloat16).</summary>
    [Hyper(Torch = "ns_precision")] MatrixPrecision nsPrecision = MatrixPrecision.Float32;

    /// <summary>Running mean of (corrected) gradients.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Running mean of squared (corrected) gradients.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>Largest second moment so far (AMSGrad only).</summary>
    [State(Torch = "max_exp_avg_sq")] Element vMax;

    /// <summary>The previous step's gradient.</summary>
    [State(Torch = "last_grad")] Element lastGrad;

    void Update(ref Element p, Element g, int t)
    {
        bool mars = optimize1d || Rank(p) == 2;
        // The corrected gradient, its norm capped at 1.
        Element c = (g - lastGrad) * (gamma * (beta1 / (1 - beta1))) + g;
        double cNorm = Norm(c);
        Element update;
        if (mars)
        {
            if (cNorm > 1) c = c / cNorm;
            m = beta1 * m + (1 - beta1) * c;
            if (marsType == MarsType.Shampoo && Rank(p) == 2)
            {
                // The momentum times 1 / (1 - beta1), as the authors scale it (only eps sees the scale: the norm divides it out), orthogonalized.
                Element orthogonal = Orthogonalize(m * (1 / (1 - beta1)), 5, 3.4445, -4.775, 2.0315, eps, MatrixNormalization.NormPlusEpsilon, nsPrecision);
                update = -lr * (orthogonal * Pow(Max(1, (double)Rows(p) / Columns(p)), 0.5) + p * weightDecay);
            }
            else if (marsType == MarsType.Lion)
            {
                update = -lr * (p * weightDecay + Sign(m));
            }
            else
            {
                // AdamW's form, which the Shampoo form also gives tensors that are not matrices.
                v = beta2 * v + (1 - beta2) * c * c;
                if (amsgrad) vMax = Max(vMax, v);
                Element denom = (Sqrt(amsgrad ? vMax : v) * (1 / Sqrt(1 - Pow(beta2, t))) + eps) * (1 - Pow(beta1, t));
                update = -lr * (p * weightDecay + m / denom);
            }
        }
        else
        {
            m = adamBeta1 * m + (1 - adamBeta1) * g;
            v = adamBeta2 * v + (1 - adamBeta2) * g * g;
            if (amsgrad) vMax = Max(vMax, v);
            Element denom = (Sqrt(amsgrad ? vMax : v) * (1 / Sqrt(1 - Pow(adamBeta2, t))) + eps) * (1 - Pow(adamBeta1, t));
            update = -adamLr * (p * adamWeightDecay + m / denom);
        }
        p = p + update;
        lastGrad = g;
    }
}

/// <summary>The update MARS feeds its corrected gradient to.</summary>
public enum MarsType
{
    /// <summary>AdamW's: the running means divided, with bias correction and decoupled weight decay (the authors' "mars-adamw").</summary>
    AdamW,

    /// <summary>Lion's: the sign of the running mean, with decoupled weight decay (the authors' "mars-lion").</summary>
    Lion,

    /// <summary>
    /// Shampoo's, as Muon computes it: the running mean orthogonalized by Newton–Schulz, for matrices; AdamW's for the
    /// other tensors that take the MARS update (the authors' "mars-shampoo").
    /// </summary>
    Shampoo,
}
