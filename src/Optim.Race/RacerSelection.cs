using System;
using System.Linq;
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

    /// <summary>
    /// Why this racer cannot race here, in a sentence that names it, or null when it can. The one test of whether a racer
    /// races, for <c>optim race</c> (which refuses it with this) and the page (which leaves it out and lists it with this):
    /// its position is a vector, so an optimizer of matrices only cannot; the race must know when to run each of its
    /// procedures (<see cref="RaceEngine.KnownProcedures"/>); and it must race here, which a race of <see cref="TrialSteps"/>
    /// steps on the bowl shows: with a learning rate <c>lr</c>, given or declared, that its optimizer accepts, and steps
    /// that run here, since an optimizer's matrix work calls OpenBLAS, a native library a web page has not (nor a
    /// machine without it installed).
    /// </summary>
    public string? Refusal()
    {
        var info = Racer.Optimizer.Info;
        if (!Racer.TakesVectors)
            return $"{Racer.Label} takes matrices only (at least {info.MinRank} dimensions), and a racer's position is a vector.";
        if (!RaceEngine.RunsProceduresOf(info))
            return $"{Racer.Label} has procedures ({string.Join(", ", info.Procedures.Select(procedure => procedure.Name))}) the race does not know " +
                $"when to run; it runs {string.Join(" and ", RaceEngine.KnownProcedures.Select(set => string.Join("/", set)))}.";
        try
        {
            var bowl = new Bowl();
            RaceEngine.Run(bowl, [new RaceEntry(Racer, LearningRate ?? Racer.DefaultLearningRate)], new RaceSettings(TrialSteps, bowl.DefaultStart));
            return null;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return exception.Message;
        }
    }

    /// <summary>Steps of the trial race: enough for every procedure to run (SophiaG's estimate comes after step <see cref="RaceEngine.HessianInterval"/>).</summary>
    public const int TrialSteps = RaceEngine.HessianInterval + 1;
}
