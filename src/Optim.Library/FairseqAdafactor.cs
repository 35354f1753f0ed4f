using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Adafactor as fairseq implements it: the form behind most Transformer results that use Adafactor (torch.optim's is
/// <see cref="Adafactor"/>). The same factored second moment, but with the paper's options: a relative step size
/// min(1e-2, 1/√t) (or the warm-up 1e-6 t) or an external lr, scaled by the weights' root mean square; the small eps1
/// added to the squared gradient before averaging; an optional first moment (beta1); weight decay by the step size.
/// fairseq writes each tensor's computed step size back into the group's lr, where it is read again only when
/// relativeStep is false and scaleParameter true (then it compounds from tensor to tensor and step to step, a bug); here
/// the settings are never written by a step: the step size is computed afresh per tensor from the rms state, and lr
/// stays the user's. fairseq refuses lr with relativeStep and warmupInit without it; here relativeStep wins and
/// warmupInit needs it.
/// </summary>
[Optimizer(Year = 2018, Authors = "Shazeer, Stern", Paper = "https://arxiv.org/abs/1804.04235",
    BuildsOn = "Adafactor", Family = "adaptive", PyTorch = "fairseq.optim.adafactor.Adafactor", MaxRank = 2)]
public partial class FairseqAdafactor
{
    /// <summary>The external learning rate, used when relativeStep is false; null (fairseq's default) means the relative step even then.</summary>
    [Hyper(Min = 0)] double? lr = null;

    /// <summary>Added to the squared gradient before it is averaged.</summary>
    [Hyper(Min = 0, Torch = "eps[0]")] double eps1 = 1e-30;

    /// <summary>Floor of the weights' root mean square in the step size.</summary>
    [Hyper(Min = 0, Torch = "eps[1]")] double eps2 = 1e-3;

    /// <summary>An update whose root mean square exceeds it is scaled down to it.</summary>
    [Hyper(Min = 0, MinExclusive = true)] double clipThreshold = 1;

    /// <summary>The second moment's decay: its weight on the newest square is t^decayRate.</summary>
    [Hyper(Max = 0)] double decayRate = -0.8;

    /// <summary>Decay rate of a running mean of the updates (a first moment); null for none, as fairseq's default.</summary>
    [Hyper(Min = 0, Max = 1)] double? beta1 = null;

    /// <summary>Weight decay: the weights shrink by weightDecay times the step size.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Scale the step size by the weights' root mean square (at least eps2).</summary>
    [Hyper] bool scaleParameter = true;

    /// <summary>Use the relative step size min(1e-2, 1/√t) instead of lr.</summary>
    [Hyper] bool relativeStep = true;

    /// <summary>With relativeStep, warm up: the relative step is min(1e-6 t, 1/√t).</summary>
    [Hyper] bool warmupInit = false;

    /// <summary>Running mean of updates (beta1 only).</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Running mean of the squared gradient over each row (matrices).</summary>
    [State(Torch = "exp_avg_sq_row", Shape = StateShape.Row)] Element rowVar;

    /// <summary>Running mean of the squared gradient over each column (matrices).</summary>
    [State(Torch = "exp_avg_sq_col", Shape = StateShape.Column)] Element colVar;

    /// <summary>Running mean of the squared gradient, per element (vectors).</summary>
    [State(Torch = "exp_avg_sq")] Element variance;

    /// <summary>The weights' root mean square before this step (fairseq keeps it in the parameter's type).</summary>
    [State(Torch = "RMS")] double rms;

    void Update(ref Element p, Element g, int t)
    {
        rms = Norm(p) / Sqrt(Count(p));
        double relative = relativeStep || lr is null ? Min(warmupInit ? 1e-6 * t : 1e-2, 1 / Sqrt(t)) : lr.Value;
        double stepSize = (scaleParameter ? Max(eps2, rms) : 1) * relative;
        double beta2t = 1 - Pow(t, decayRate);

        Element square = g * g + eps1;
        Element update;
        if (Rank(p) > 1)
        {
            rowVar = beta2t * rowVar + (1 - beta2t) * RowMean(square);
            colVar = beta2t * colVar + (1 - beta2t) * ColumnMean(square);
            update = 1 / Sqrt(rowVar / Mean(rowVar)) * (1 / Sqrt(colVar)) * g;
        }
        else
        {
            variance = beta2t * variance + (1 - beta2t) * square;
            update = 1 / Sqrt(variance) * g;
        }
        update = update / Max(Norm(update) / Sqrt(Count(update)) / clipThreshold, 1);
        update = update * stepSize;
        if (beta1 is not null)
        {
            m = beta1.Value * m + (1 - beta1.Value) * update;
            update = m;
        }
        if (weightDecay != 0) p = p - weightDecay * stepSize * p;
        p = p - update;
    }
}
