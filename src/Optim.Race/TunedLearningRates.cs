using System.Collections.Generic;

namespace ScratchOptim.Race;

/// <summary>
/// Learning rates tuned per landscape, so that a race compares optimizers rather than badly chosen rates. Each
/// was picked by sweeping the racer's rate over a log grid (<c>optim race -l NAME -o SGD:0.01 -o SGD:0.02 …</c>)
/// from the landscape's default start, for its default number of steps.
/// </summary>
public static class TunedLearningRates
{
    private static readonly Dictionary<string, Dictionary<string, double>> Rates = new()
    {
        // The Hessian 2AᵀA has eigenvalues 0.93 … 10.2: a well-conditioned problem (κ ≈ 11).
        // SGD: about half its stability limit 2/λmax ≈ 0.196 (0.2 diverges).
        // SGD+momentum: momentum 0.9 makes steady steps 1/(1 − 0.9) = 10 times longer, so 0.01 is SGD's 0.1;
        //   on a problem this well conditioned heavy momentum mostly overshoots, and arrives after plain SGD.
        // Adam: its rate bounds each coordinate's step; 0.05 is a tenth of the distance to the minimum.
        // AdamW: Adam's rate, so the table isolates its decoupled weight decay (0.01), which makes it settle
        //   about 1e-3 from the least-squares solution instead of at it.
        ["least-squares"] = new() { ["SGD"] = 0.1, ["SGD+momentum"] = 0.01, ["Adam"] = 0.05, ["AdamW"] = 0.05 },

        // Three least-squares problems sharing A (8×4), solved as one 4×3 matrix X: SGD converges up to 0.15 and
        // diverges at 0.2, and gets 0.1 as on least-squares; SGD+momentum, Adam and AdamW keep their least-squares
        // rates too, at which SGD+momentum and Adam arrive in about 130 steps (no faster at 0.003 … 0.05 and 0.01 … 0.1).
        // Muon steps every singular direction of X by about lr (its orthogonalized momentum has singular values near 1,
        // times max(1, 4/3)^0.5 for the shape), so at a constant rate it ends circling the minimum about lr away, like
        // Lion: 0.002 ends nearest in 1000 steps (1.8e-3 away, the loss 5e-5 above the lowest; 0.001 has not arrived,
        // 0.005 circles 6e-3 away), and never within the 1e-6 tolerance. (MuonWithAuxAdam races its Adam group on
        // every landscape, at its authors' Adam rate: RacerCatalog.)
        ["matrix-least-squares"] = new() { ["SGD"] = 0.1, ["SGD+momentum"] = 0.01, ["Adam"] = 0.05, ["AdamW"] = 0.05, ["Muon"] = 0.002 },

        // From (1, 1), SGD converges up to 0.04 and stalls in oscillation at 0.05; SGD+momentum converges up to
        // 0.025 and diverges at 0.03: each gets about half its largest rate, and momentum arrives 7 times sooner.
        // Adam arrives at any rate from 0.01 to 0.5; at 0.1 it is still faster than SGD, and AdamW, at the same
        // rate, shows the pull of weight decay toward the origin: it stops about 0.02 short of (3, 0.5).
        ["beale"] = new() { ["SGD"] = 0.02, ["SGD+momentum"] = 0.01, ["Adam"] = 0.1, ["AdamW"] = 0.1 },

        // Curvature 2: SGD at 0.1 shrinks the distance by 0.8 a step.
        ["bowl"] = new() { ["SGD"] = 0.1, ["SGD+momentum"] = 0.01, ["Adam"] = 0.05, ["AdamW"] = 0.05 },

        // Curvature 100 across caps SGD at 2/100 = 0.02 (which oscillates forever); 0.01 is the fastest rate that
        // does not, and it still crawls along the floor, where the curvature is 2.
        ["ravine"] = new() { ["SGD"] = 0.01, ["SGD+momentum"] = 0.01, ["Adam"] = 0.05, ["AdamW"] = 0.05 },

        // The valley walls diverge SGD at 0.003 and SGD+momentum just above 0.001; at 0.001 SGD does not reach
        // (1, 1) in 5000 steps, while momentum does.
        ["rosenbrock"] = new() { ["SGD"] = 0.001, ["SGD+momentum"] = 0.001, ["Adam"] = 0.02, ["AdamW"] = 0.02 },

        // SGD and SGD+momentum diverge at 0.05.
        ["himmelblau"] = new() { ["SGD"] = 0.01, ["SGD+momentum"] = 0.01, ["Adam"] = 0.05, ["AdamW"] = 0.05 },

        // One rate for all, so the table compares how fast each escapes the saddle point.
        ["saddle"] = new() { ["SGD"] = 0.01, ["SGD+momentum"] = 0.01, ["Adam"] = 0.01, ["AdamW"] = 0.01 },
    };

    /// <summary>The rate tuned for <paramref name="racer"/> on <paramref name="landscape"/>, or null.</summary>
    public static double? Find(string landscape, string racer) =>
        Rates.TryGetValue(landscape, out var byRacer) && byRacer.TryGetValue(racer, out double rate) ? rate : ModernField.TunedRate(landscape, racer);
}
