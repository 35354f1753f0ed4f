using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// AdaBelief: Adam whose second moment is the belief in the gradient. Adam divides by the running mean of g², so it
/// takes small steps wherever gradients are large, even when they are large and consistent (a steep but straight
/// slope); AdaBelief divides by the running mean of (g - m)², the squared distance between the gradient and its
/// prediction m, and steps boldly when the gradient is what the momentum predicted. Matches the authors' code
/// (adabelief-pytorch 0.2.1), whose defaults differ from the paper's algorithm: decoupled weight decay and RAdam's
/// rectification are on, and eps (1e-16) is added to s in place, so it stays in the state and accumulates
/// (accumulateEps = false adds it to a copy only, as the authors say they meant to); with rectification the AMSGrad
/// maximum is kept but not used.
/// </summary>
[Optimizer(Year = 2020, Authors = "Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris, Duncan",
    Paper = "https://arxiv.org/abs/2010.07468", BuildsOn = "Adam", Family = "adaptive",
    PyTorch = "adabelief_pytorch.AdaBelief")]
public partial class AdaBelief
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 1e-3;

    /// <summary>Decay rate of the running mean of gradients (the prediction m).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Decay rate of the running mean of squared prediction errors (the belief s).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.999;

    /// <summary>Added to s each step (inside the square root, so 1e-16 acts like Adam's 1e-8) and to the denominator.</summary>
    [Hyper(Min = 0)] double eps = 1e-16;

    /// <summary>Weight decay: decoupled (weightDecouple) or an L2 penalty added to the gradient.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Use the AMSGrad variant: divide by the largest s so far (not used by the rectified steps).</summary>
    [Hyper] bool amsgrad = false;

    /// <summary>Decoupled weight decay as in AdamW: multiply the weights by 1 - lr * weightDecay before the step.</summary>
    [Hyper] bool weightDecouple = true;

    /// <summary>With weightDecouple, decay by 1 - weightDecay, not scaled by the learning rate.</summary>
    [Hyper] bool fixedDecay = false;

    /// <summary>RAdam's rectification: momentum steps while the variance estimate is too short (rhoT &lt; 5), rectified steps after.</summary>
    [Hyper] bool rectify = true;

    /// <summary>With rectify, take bias-corrected momentum (SGD) steps while rhoT &lt; 5 instead of no step.</summary>
    [Hyper] bool degeneratedToSgd = true;

    /// <summary>
    /// Keep the eps added to s each step in the state, as the authors' code does (s then carries about eps / (1 - beta2));
    /// false adds it to a copy only. Not an argument of the authors' class.
    /// </summary>
    [Hyper] bool accumulateEps = true;

    /// <summary>First moment: running mean of gradients, the prediction of the next gradient.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>The belief: running mean of (g - m)², plus the eps added each step.</summary>
    [State(Torch = "exp_avg_var")] Element s;

    /// <summary>Largest belief so far (AMSGrad only).</summary>
    [State(Torch = "max_exp_avg_var")] Element sMax;

    void Update(ref Element p, Element g, int t)
    {
        double decayFactor = fixedDecay ? 1 - weightDecay : 1 - lr * weightDecay;
        if (weightDecouple) p = p * decayFactor;
        else if (weightDecay != 0) g = g + weightDecay * p;

        m = beta1 * m + (1 - beta1) * g;
        Element residual = g - m;
        s = beta2 * s + (1 - beta2) * residual * residual;
        // The authors add eps to s in place (exp_avg_var.add_(eps)), so it stays in the state.
        Element belief = s + eps;
        if (accumulateEps) s = belief;
        if (amsgrad) sMax = Max(sMax, belief);

        double biasCorrection1 = 1 - Pow(beta1, t);
        double biasCorrection2 = 1 - Pow(beta2, t);
        // RAdam's rectification, in the authors' order of operations.
        double beta2T = Pow(beta2, t);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * beta2T / (1 - beta2T);
        double rectifiedStep = Sqrt((1 - beta2T) * (rhoT - 4) / (rhoInf - 4) * (rhoT - 2) / rhoT * rhoInf / (rhoInf - 2)) / biasCorrection1;
        double sgdStep = 1 / biasCorrection1;
        double stepSize = lr / biasCorrection1;

        if (!rectify)
        {
            Element denom;
            if (amsgrad) denom = Sqrt(sMax) / Sqrt(biasCorrection2) + eps;
            else denom = Sqrt(belief) / Sqrt(biasCorrection2) + eps;
            p = p - stepSize * m / denom;
        }
        else if (rhoT >= 5)
        {
            // Bias correction of s is folded into rectifiedStep: the denominator is the raw belief.
            p = p - rectifiedStep * lr * m / (Sqrt(belief) + eps);
        }
        else if (degeneratedToSgd)
        {
            p = p - sgdStep * lr * m;
        }
    }
}
