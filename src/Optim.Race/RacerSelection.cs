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
    /// Why this racer cannot race on a landscape whose position is a vector (the page's landscapes, all of them), in a
    /// sentence that names it, or null when it can: an optimizer of matrices only cannot; otherwise as
    /// <see cref="Refusal(ILandscape)"/> on the bowl. The page leaves out a racer with a refusal and lists it with this.
    /// </summary>
    public string? Refusal() => Racer.TakesVectors
        ? Refusal(new Bowl())
        : $"{Racer.Label} takes matrices only (at least {Racer.Optimizer.Info.MinRank} dimensions), and a racer's position is a vector.";

    /// <summary>
    /// Why this racer cannot race on <paramref name="landscape"/>, in a sentence that names it, or null when it can. The
    /// one test of whether a racer races there, for <c>optim race</c> (which refuses it with this): the race must know
    /// when to run each of its procedures (<see cref="RaceEngine.KnownProcedures"/>); and it must race there, which a race
    /// of <see cref="TrialSteps"/> steps from the landscape's start shows: its optimizer takes parameters of the
    /// landscape's rank (<see cref="RaceEngine.CheckRanks"/>: Muon, of matrices only, races only on a matrix landscape), it
    /// has a learning rate <c>lr</c> (given, tuned or declared) that its optimizer accepts, and its steps run here, since
    /// an optimizer's matrix work calls OpenBLAS, a native library a web page has not (nor a machine without it installed).
    /// </summary>
    public string? Refusal(ILandscape landscape)
    {
        var info = Racer.Optimizer.Info;
        if (!RaceEngine.RunsProceduresOf(info))
            return $"{Racer.Label} has procedures ({string.Join(", ", info.Procedures.Select(procedure => procedure.Name))}) the race does not know " +
                $"when to run; it runs {string.Join(" and ", RaceEngine.KnownProcedures.Select(set => string.Join("/", set)))}.";
        try
        {
            RaceEngine.Run(landscape, [For(landscape)], new RaceSettings(TrialSteps, landscape.DefaultStart));
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
