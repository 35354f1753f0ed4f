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

    /// <summary>The names of the default lineup, in the order it trains.</summary>
    public static IReadOnlyList<string> Names { get; } = ["SGD", "SGD+momentum", "Adam", "AdamW"];

    /// <summary>The default lineup of the library's optimizers at its tuned rates.</summary>
    public static IReadOnlyList<RaceEntry> Default =>
        [.. Names.Select(name => RacerCatalog.Find(name)!).Select(racer => new RaceEntry(racer, LearningRateFor(racer)))];

    /// <summary>The tuned rate of <paramref name="racer"/>, or its optimizer's default.</summary>
    /// <exception cref="System.ArgumentException">The optimizer has no learning rate <c>lr</c>.</exception>
    public static double LearningRateFor(Racer racer)
    {
        if (Rates.TryGetValue(racer.Label, out double rate)) return rate;
        Trainer.RequireLearningRate(racer);
        return racer.DefaultLearningRate;
    }
}
