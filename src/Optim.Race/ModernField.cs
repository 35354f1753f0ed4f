using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Race;

/// <summary>
/// The modern field: Adam against its successors, each matched to its authors' code, in order of publication
/// (<c>optim race --field modern</c>), and the learning rates they race at.
/// </summary>
public static class ModernField
{
    /// <summary>
    /// Adam, then its successors in order of publication. QHAdam is not among them: with its defaults (nus = 1) it
    /// computes Adam's step, and its row would repeat Adam's. Nor is SophiaG: its default weight decay (0.1) pulls every
    /// racer towards the origin, whatever the landscape (race it by name). AdamWScheduleFree is recorded at its average
    /// x, where it would be evaluated (<see cref="RaceEngine"/>). MARS races its own update, as the variant with
    /// optimize1d (<see cref="RacerCatalog"/>): a race's position is a vector.
    /// </summary>
    public static IReadOnlyList<string> Racers { get; } =
        ["Adam", "Yogi", "AdaBound", "AdaMod", "AdaBelief", "Adan", "Lion", "Prodigy", "AdamWScheduleFree", "AdEMAMix", "ADOPT", "MARS"];

    /// <summary>
    /// Rates of the modern racers that differ from Adam's tuned rate on a landscape. Every other modern racer runs at
    /// Adam's rate, so the table compares the ideas rather than the tuning (each is an Adam variant whose step per
    /// coordinate is about lr). The exceptions are racers that diverge at Adam's rate, each at the fastest rate of a
    /// log grid (1e-4 … 1) that converges: AdaBelief's first steps (rhoT &lt; 5) are plain momentum steps with the raw
    /// gradient, which Beale's and Rosenbrock's steep walls throw far off. AdaBound diverges on Rosenbrock at every
    /// rate: its bounds close in on finalLr = 0.1, thirty times the rate at which SGD diverges there. Lion steps every
    /// coordinate by exactly lr, so at a constant rate it ends circling the minimum about lr away (it is meant to be
    /// used with a decaying schedule). Adan and MARS stay finite at Adam's rate on every landscape and race at it
    /// (within a race's steps Adan does not reach the minimum of least squares, Beale and Rosenbrock, nor MARS that
    /// of the ravine and Rosenbrock).
    /// </summary>
    private static readonly Dictionary<(string Landscape, string Racer), double> OwnRates = new()
    {
        [("beale", "AdaBelief")] = 0.05,
        [("rosenbrock", "AdaBelief")] = 0.01,
    };

    /// <summary>
    /// Racers that race at their own default rate on every landscape: Prodigy's lr (1) multiplies its estimate d of the
    /// distance to the solution, which takes the place of a tuned rate (at Adam's rate its steps would be 0.05 d).
    /// </summary>
    private static readonly HashSet<string> AtTheirDefaultRate = new(StringComparer.Ordinal) { "Prodigy" };

    /// <summary>
    /// The tuned rate of a modern racer other than Adam on <paramref name="landscape"/>; null for any other racer and
    /// for one that races at its default rate.
    /// </summary>
    public static double? TunedRate(string landscape, string racer)
    {
        if (racer == "Adam" || !Racers.Contains(racer, StringComparer.Ordinal) || AtTheirDefaultRate.Contains(racer)) return null;
        return OwnRates.TryGetValue((landscape, racer), out double rate) ? rate : TunedLearningRates.Find(landscape, "Adam");
    }
}
