using ScratchOptim.Dsl;
using static ScratchOptim.Dsl.Intrinsics;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Muon with auxiliary Adam, the authors' optimizer for a whole network (KellerJordan/Muon's
/// SingleDeviceMuonWithAuxAdam): each parameter group says with useMuon whether its parameters take Muon steps (the
/// 2-D weights of hidden layers: Nesterov momentum, orthogonalized by 5 Newton–Schulz iterations, scaled by
/// √max(1, rows/columns)) or Adam steps (biases, gains, embeddings, the output layer and tensors of any other rank,
/// convolution filters included: the authors' Adam, with moments updated by lerp and decoupled weight decay). <see cref="MuonParameters.CreateWithAuxAdam"/> builds the groups
/// the way the authors' example does. The authors' code runs Newton–Schulz in bfloat16 on the GPU; the reference runs
/// were made in float32, the default here (nsPrecision chooses).
/// </summary>
[Optimizer(Year = 2024, Authors = "Jordan, Jin, Boza, You, Cesista, Newhouse, Bernstein", Paper = "https://kellerjordan.github.io/posts/muon/",
    BuildsOn = "Muon", Family = "matrix", PyTorch = "muon.SingleDeviceMuonWithAuxAdam", StepState = null)]
public partial class MuonWithAuxAdam
{
    /// <summary>Whether the group's parameters take Muon steps (2-D hidden weights) or Adam steps (everything else).</summary>
    [Hyper] bool useMuon = true;

    /// <summary>Learning rate; null is the authors' default for the group's kind: 0.02 for Muon groups, 3e-4 for Adam groups.</summary>
    [Hyper(Min = 0)] double? lr = null;

    /// <summary>Decoupled weight decay: the weights shrink by lr * weightDecay each step.</summary>
    [Hyper(Min = 0)] double weightDecay = 0;

    /// <summary>Muon's momentum (Nesterov).</summary>
    [Hyper(Min = 0)] double momentum = 0.95;

    /// <summary>Adam's decay rate of the running mean of gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[0]")] double beta1 = 0.9;

    /// <summary>Adam's decay rate of the running mean of squared gradients.</summary>
    [Hyper(Min = 0, Max = 1, MaxExclusive = true, Torch = "betas[1]")] double beta2 = 0.95;

    /// <summary>Adam's term added to the denominator.</summary>
    [Hyper(Min = 0)] double eps = 1e-10;

    /// <summary>The arithmetic of Newton–Schulz: float32 as the reference runs (the authors' GPU code: bfloat16).</summary>
    [Hyper(Torch = "ns_precision")] MatrixPrecision nsPrecision = MatrixPrecision.Float32;

    /// <summary>Muon's momentum buffer (Muon groups).</summary>
    [State(Torch = "momentum_buffer")] Element momentumBuffer;

    /// <summary>Adam's first moment (Adam groups).</summary>
    [State(Torch = "exp_avg")] Element expAvg;

    /// <summary>Adam's second moment (Adam groups).</summary>
    [State(Torch = "exp_avg_sq")] Element expAvgSq;

    /// <summary>Adam's step count (Adam groups; Muon keeps none).</summary>
    [State(Torch = "step")] double adamStep;

    void Update(ref Element p, Element g, int t)
    {
        Require(!useMuon || Rank(p) == 2, "a Muon group (useMuon) takes 2-D parameters, as the authors' Muon, which asserts on any other; put vectors and scalars in an Adam group (useMuon false)");
        double rate = lr ?? (useMuon ? 0.02 : 3e-4);
        p = p * (1 - rate * weightDecay);
        // The Require above leaves Muon groups only matrices; the rank test lets Adam groups take any rank.
        bool muonStep = useMuon && Rank(p) == 2;
        if (muonStep)
        {
            momentumBuffer = Lerp(momentumBuffer, g, 1 - momentum);
            Element direction = Lerp(g, momentumBuffer, momentum);
            Element orthogonal = Orthogonalize(direction, 5, 3.4445, -4.775, 2.0315, 1e-7, MatrixNormalization.NormPlusEpsilon, nsPrecision);
            Element update = orthogonal * Pow(Max(1, (double)Rows(p) / Columns(p)), 0.5);
            p = p - rate * update;
        }
        else
        {
            adamStep = adamStep + 1;
            expAvg = Lerp(expAvg, g, 1 - beta1);
            expAvgSq = Lerp(expAvgSq, g * g, 1 - beta2);
            Element update = expAvg / (1 - Pow(beta1, adamStep)) / (Sqrt(expAvgSq / (1 - Pow(beta2, adamStep))) + eps);
            p = p - rate * update;
        }
    }
}
