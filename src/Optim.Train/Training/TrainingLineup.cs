using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race;

namespace ScratchOptim.Train.Training;

/// <summary>
/// What <c>optim train</c> trains without <c>-o</c>: plain SGD, SGD with momentum, Adam and AdamW, each at the
/// rate of <see cref="LearningRateSweep.DefaultGrid"/> with the lowest final training loss in the default sweep on the
/// digits (<c>optim train --sweep</c>), so the comparison is between optimizers rather than between badly chosen
/// rates. An optimizer without a rate here trains at its own default.
/// </summary>
public static class TrainingLineup
{
    private static readonly Dictionary<string, double> Rates = new()
    {
        ["SGD"] = 1,
        ["SGD+momentum"] = 0.3,
        ["Adam"] = 0.03,
        ["AdamW"] = 0.03,
    };

    /// <summary>The default lineup at its tuned rates.</summary>
    public static IReadOnlyList<RaceEntry> Default =>
        new[] { "SGD", "SGD+momentum", "Adam", "AdamW" }
            .Select(name => RacerCatalog.Find(name)!)
            .Select(racer => new RaceEntry(racer, LearningRateFor(racer)))
            .ToArray();

    /// <summary>The tuned rate of <paramref name="racer"/>, or its optimizer's default.</summary>
    public static double LearningRateFor(Racer racer) => Rates.TryGetValue(racer.Label, out double rate) ? rate : racer.DefaultLearningRate;
}
