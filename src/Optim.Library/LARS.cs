using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// LARS: layer-wise adaptive rate scaling. Large-batch SGD diverges because one global learning rate is too large for
/// some layers and too small for others: the ratio of a layer's weight norm to its gradient norm varies by orders of
/// magnitude between layers. LARS scales each tensor's update by eta * ||p|| / ||g + wd p|| (a trust ratio) before
/// momentum. This is the LARS of Facebook Research's Barlow Twins code (the LARS authors published no PyTorch
/// version): the trust ratio is 1 where either norm is 0, and the filters exclude vectors (biases, norms) from weight
/// decay and from the adaptation.
/// </summary>
[Optimizer(Year = 2017, Authors = "You, Gitman, Ginsburg", Paper = "https://arxiv.org/abs/1708.03888",
    BuildsOn = "HeavyBall", Family = "layer-wise", StepState = null)]
public partial class LARS
{
    /// <summary>Learning rate (the authors' class has no default; training scripts schedule it).</summary>
    [Hyper(Min = 0)] double lr = 0.1;

    /// <summary>L2 penalty: adds weightDecay * p to the gradient before the trust ratio.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Momentum factor.</summary>
    [Hyper(Min = 0, Max = 1)] double momentum = 0.9;

    /// <summary>Trust coefficient: how far, relative to its weight norm, a layer may move in one step.</summary>
    [Hyper(Min = 0)] double eta = 0.001;

    /// <summary>No weight decay for vectors (biases and normalization weights).</summary>
    [Hyper] bool weightDecayFilter = false;

    /// <summary>No trust ratio for vectors (biases and normalization weights): plain momentum SGD there.</summary>
    [Hyper] bool larsAdaptationFilter = false;

    /// <summary>Momentum buffer.</summary>
    [State(Torch = "mu")] Element mu;

    void Update(ref Element p, Element g, int t)
    {
        bool vector = Rank(p) == 1;
        Element dp = g;
        if (!weightDecayFilter || !vector) dp = g + weightDecay * p;

        double paramNorm = Norm(p);
        double updateNorm = Norm(dp);
        bool adapt = !larsAdaptationFilter || !vector;
        double trustRatio = adapt && paramNorm > 0 && updateNorm > 0 ? eta * paramNorm / updateNorm : 1;
        // The authors scale dp into a tensor of its own before momentum adds it.
        Element scaled = dp * trustRatio;
        mu = momentum * mu + scaled;
        p = p - lr * mu;
    }
}
