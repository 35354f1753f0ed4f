using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// SOAP: Shampoo with Adam in the preconditioner's eigenbasis. Shampoo preconditions a weight matrix's gradient G by
/// running means of G·Gᵀ (left, rows × rows) and Gᵀ·G (right, columns × columns); SOAP keeps those, but instead of
/// raising them to fractional powers it rotates the gradient into their eigenbases (Q_Lᵀ·G·Q_R), runs Adam there, and
/// rotates Adam's step back. The eigenbases are refreshed only every few steps, by one power iteration and a QR
/// decomposition, and Adam's moments follow each new basis. As the authors' code (nikhilvyas/SOAP): the first step only
/// builds the preconditioner; a side longer than maxPrecondDim is not preconditioned; vectors are preconditioned only with
/// precondition1d; with mergeDims a matrix small enough is preconditioned as one flattened vector. Tensors of up to two
/// dimensions (the authors also merge the dimensions of larger ones).
/// </summary>
[Optimizer(Year = 2024, Authors = "Vyas, Morwani, Zhao, Kwun, Shapira, Brandfonbrener, Janson, Kakade", Paper = "https://arxiv.org/abs/2409.11321",
    BuildsOn = "Adam", Family = "matrix", StepState = null, MaxRank = 2)]
public partial class SOAP
{
    /// <summary>Learning rate.</summary>
    [Hyper(Min = 0)] double lr = 3e-3;

    /// <summary>Decay rate of Adam's first moment (in the eigenbasis).</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.95;

    /// <summary>Decay rate of Adam's second moment, and of the preconditioner unless shampooBeta is set.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.95;

    /// <summary>Decay rate of the preconditioner's running means; a negative value means beta2.</summary>
    [Hyper(Max = 1, MaxExclusive = true)] double shampooBeta = -1;

    /// <summary>Added to the square root of the second moment.</summary>
    [Hyper(Min = 0)] double eps = 1e-8;

    /// <summary>Decoupled weight decay, applied after the step: the weights shrink by lr * weightDecay.</summary>
    [Hyper(Min = 0)] double weightDecay = 0.01;

    /// <summary>Every how many steps the eigenbases are refreshed (a power iteration and a QR decomposition).</summary>
    [Hyper(Min = 1)] int preconditionFrequency = 10;

    /// <summary>A side of the tensor longer than this is not preconditioned (its preconditioner would be too large).</summary>
    [Hyper(Min = 1)] int maxPrecondDim = 10000;

    /// <summary>Precondition a matrix of at most maxPrecondDim elements as one flattened vector.</summary>
    [Hyper] bool mergeDims = false;

    /// <summary>Precondition vectors too (with one factor, their outer products).</summary>
    [Hyper(Torch = "precondition_1d")] bool precondition1d = false;

    /// <summary>Divide each step by its root mean square.</summary>
    [Hyper] bool normalizeGrads = false;

    /// <summary>Correct Adam's moments for their start at zero.</summary>
    [Hyper] bool correctBias = true;

    /// <summary>The steps after the first, the authors' step count (the first step only builds the preconditioner).</summary>
    [State(Torch = "step")] double adamSteps;

    /// <summary>Adam's first moment, in the eigenbasis.</summary>
    [State(Torch = "exp_avg")] Element m;

    /// <summary>Adam's second moment, in the eigenbasis.</summary>
    [State(Torch = "exp_avg_sq")] Element v;

    /// <summary>The left preconditioner: running mean of G·Gᵀ.</summary>
    [State(Torch = "GG[0]", Shape = StateShape.RowByRow)] Matrix left;

    /// <summary>The right preconditioner: running mean of Gᵀ·G (a vector's: of its outer products).</summary>
    [State(Torch = "GG[1]", Shape = StateShape.ColumnByColumn)] Matrix right;

    /// <summary>The preconditioner of a flattened matrix (mergeDims): running mean of vec(G)·vec(G)ᵀ.</summary>
    [State(Torch = "GG[merged]", Shape = StateShape.ElementByElement)] Matrix merged;

    /// <summary>The left eigenbasis, eigenvectors as columns, by eigenvalue from the largest down.</summary>
    [State(Torch = "Q[0]", Shape = StateShape.RowByRow)] Matrix leftBasis;

    /// <summary>The right eigenbasis.</summary>
    [State(Torch = "Q[1]", Shape = StateShape.ColumnByColumn)] Matrix rightBasis;

    /// <summary>The eigenbasis of the flattened matrix's preconditioner (mergeDims).</summary>
    [State(Torch = "Q[merged]", Shape = StateShape.ElementByElement)] Matrix mergedBasis;

    void Update(ref Element p, Element g, int t)
    {
        bool flattened = mergeDims && Rank(p) == 2 && Count(p) <= maxPrecondDim;
        bool rowsPreconditioned = !flattened && Rank(p) == 2 && Rows(p) <= maxPrecondDim;
        bool columnsPreconditioned = !flattened && (Rank(p) == 2 || precondition1d) && Columns(p) <= maxPrecondDim;
        double preconditionerWeight = 1 - (shampooBeta >= 0 ? shampooBeta : beta2);
        // SOAP counts the steps after the first, which only builds the preconditioner.
        int step = t - 1;
        adamSteps = step;
        double stepSize = correctBias ? lr * Pow(1 - Pow(beta2, step), 0.5) / (1 - Pow(beta1, step)) : lr;

        if (t == 1)
        {
            // The first step only builds the preconditioner: the weights do not move, Adam's moments stay zero.
            if (flattened)
            {
                merged = Lerp(merged, Transpose(Flatten(g)) * Flatten(g), preconditionerWeight);
                mergedBasis = Eigenvectors(merged);
            }
            if (rowsPreconditioned)
            {
                left = Lerp(left, g * Transpose(g), preconditionerWeight);
                leftBasis = Eigenvectors(left);
            }
            if (columnsPreconditioned)
            {
                right = Lerp(right, Transpose(g) * g, preconditionerWeight);
                rightBasis = Eigenvectors(right);
            }
        }
        else
        {
            // Adam on the gradient in the eigenbasis: Q_Lᵀ·G·Q_R.
            Matrix projected = g;
            if (flattened) projected = Unflatten(Flatten(projected) * mergedBasis);
            if (rowsPreconditioned) projected = Transpose(leftBasis) * projected;
            if (columnsPreconditioned) projected = projected * rightBasis;
            Element rotated = projected;
            m = m * beta1 + (1 - beta1) * rotated;
            v = v * beta2 + (1 - beta2) * (rotated * rotated);

            // Adam's step, rotated back: Q_L·(m / (√v + ε))·Q_Rᵀ.
            Matrix back = m / (Sqrt(v) + eps);
            if (flattened) back = Unflatten(Flatten(back) * Transpose(mergedBasis));
            if (rowsPreconditioned) back = leftBasis * back;
            if (columnsPreconditioned) back = back * Transpose(rightBasis);
            Element direction = back;
            if (normalizeGrads) direction = direction / (1e-30 + Pow(Mean(direction * direction), 0.5));
            p = p - stepSize * direction;
            if (weightDecay > 0) p = p - lr * weightDecay * p;

            // The first moment leaves the old basis, the preconditioner takes in this gradient.
            Matrix moment = m;
            if (flattened) moment = Unflatten(Flatten(moment) * Transpose(mergedBasis));
            if (rowsPreconditioned) moment = leftBasis * moment;
            if (columnsPreconditioned) moment = moment * Transpose(rightBasis);
            if (flattened) merged = Lerp(merged, Transpose(Flatten(g)) * Flatten(g), preconditionerWeight);
            if (rowsPreconditioned) left = Lerp(left, g * Transpose(g), preconditionerWeight);
            if (columnsPreconditioned) right = Lerp(right, Transpose(g) * g, preconditionerWeight);

            // Every preconditionFrequency steps, each basis is sorted by its estimated eigenvalues, the second moment
            // follows the new order, and one power iteration with a QR decomposition refreshes the basis.
            if (step % preconditionFrequency == 0)
            {
                if (flattened)
                {
                    Matrix mergedOrder = EigenvalueOrder(merged, mergedBasis);
                    v = Unflatten(Flatten(v) * mergedOrder);
                    mergedBasis = QrBasis(merged * (mergedBasis * mergedOrder));
                }
                if (rowsPreconditioned)
                {
                    Matrix leftOrder = EigenvalueOrder(left, leftBasis);
                    v = Transpose(leftOrder) * v;
                    leftBasis = QrBasis(left * (leftBasis * leftOrder));
                }
                if (columnsPreconditioned)
                {
                    Matrix rightOrder = EigenvalueOrder(right, rightBasis);
                    v = v * rightOrder;
                    rightBasis = QrBasis(right * (rightBasis * rightOrder));
                }
            }

            // The first moment enters the new basis.
            if (flattened) moment = Unflatten(Flatten(moment) * mergedBasis);
            if (rowsPreconditioned) moment = Transpose(leftBasis) * moment;
            if (columnsPreconditioned) moment = moment * rightBasis;
            m = moment;
        }
    }
}
