using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Adafactor: Adam's second moment in sublinear memory. For an n × m weight matrix Adam keeps n·m second moments;
/// Adafactor keeps one running mean per row and one per column and estimates each element's as their outer product
/// divided by the mean of the rows (a rank-1 factorization), so the memory is n + m. It also needs no learning rate
/// (the step is relative to the weights' root mean square and decays as 1/√t), increases the second moment's decay
/// with t, and clips each update's root mean square at d. As torch.optim.Adafactor: a vector keeps a full second
/// moment, a matrix the factored one. It takes vectors and matrices only: PyTorch factors each trailing matrix of a
/// tensor of three or more dimensions separately, which the per-row and per-column state here does not express yet.
/// </summary>
[Optimizer(Year = 2018, Authors = "Shazeer, Stern", Paper = "https://arxiv.org/abs/1804.04235",
    BuildsOn = "Adam", Family = "adaptive", PyTorch = "torch.optim.Adafactor", MaxRank = 2)]
public partial class Adafactor
{
    /// <summary>The largest relative step size: the step is min(lr, 1/√t) times the weights' root mean square.</summary>
    [Hyper(Min = 0)] double lr = 1e-2;

    /// <summary>The second moment's decay: its weight on the newest square is t^beta2Decay.</summary>
    [Hyper(Max = 0)] double beta2Decay = -0.8;

    /// <summary>Floor of the second moment; null is the element type's machine epsilon (PyTorch's None).</summary>
    [Hyper(Min = 0, Torch = "eps[0]")] double? eps1 = null;

    /// <summary>Floor of the weights' root mean square in the step size.</summary>
    [Hyper(Min = 0, Torch = "eps[1]")] double eps2 = 1e-3;

    /// <summary>Clipping threshold: an update whose root mean square exceeds d is scaled down to d.</summary>
    [Hyper(Min = 1)] double d = 1;

    /// <summary>Decoupled weight decay: the weights shrink by lr * weightDecay each step.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper] bool maximize = false;

    /// <summary>Running mean of the squared gradient over each row (matrices).</summary>
    [State(Torch = "row_var", Shape = StateShape.Row)] Element rowVar;

    /// <summary>Running mean of the squared gradient over each column (matrices).</summary>
    [State(Torch = "col_var", Shape = StateShape.Column)] Element colVar;

    /// <summary>Running mean of the squared gradient, per element (vectors).</summary>
    [State(Torch = "variance")] Element variance;

    void Update(ref Element p, Element g, int t)
    {
        if (maximize) g = -g;
        double floor = eps1 ?? Epsilon(p);
        double oneMinusBeta2 = Pow(t, beta2Decay);
        double relativeStep = Min(lr, 1 / Pow(t, 0.5));
        double alpha = Max(eps2, Norm(p) / Pow(Count(p), 0.5)) * relativeStep;
        if (weightDecay != 0) p = p * (1 - lr * weightDecay);

        Element varianceEstimate;
        if (Rank(p) > 1)
        {
            rowVar = Lerp(rowVar, RowSum(g * g) / Columns(p), oneMinusBeta2);
            colVar = Lerp(colVar, ColumnSum(g * g) / Rows(p), oneMinusBeta2);
            varianceEstimate = rowVar * colVar / Max(Mean(rowVar), floor);
        }
        else
        {
            variance = Lerp(variance, g * g, oneMinusBeta2);
            varianceEstimate = variance;
        }
        // As torch: the reciprocal square root first, then times the gradient (not one division: it rounds differently).
        Element update = 1 / Sqrt(Max(varianceEstimate, floor * floor)) * g;
        double denom = Max(1, Norm(update) / (Pow(Count(update), 0.5) * d));
        p = p - alpha / denom * update;
    }
}
