using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Race;

/// <summary>A racer as asked for, with the learning rate asked for, if any.</summary>
public sealed record RacerSelection(Racer Racer, double? LearningRate)
{
    /// <summary>
    /// The entry for a race on <paramref name="landscape"/>: the learning rate asked for, else the one tuned for
    /// this racer there, else the optimizer's own default.
    /// </summary>
    public RaceEntry For(ILandscape landscape) =>
        new(Racer, LearningRate ?? TunedLearningRates.Find(landscape.Name, Racer.Label) ?? Racer.DefaultLearningRate);
}
