using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Cli.Race;

/// <summary>
/// What <c>optim race</c> runs without arguments: a convex quadratic, the heart of linear regression (least
/// squares), and a non-convex surface whose plateaus and steep walls are hard on a single learning rate (Beale),
/// raced by plain gradient descent, momentum and the two adaptive optimizers, so the tables show what each idea buys.
/// </summary>
public static class DefaultRace
{
    public static IReadOnlyList<ILandscape> Landscapes =>
        new[] { "least-squares", "beale" }.Select(LandscapeCatalog.Find).OfType<ILandscape>().ToArray();

    /// <summary>Each at its tuned learning rate (see <see cref="TunedLearningRates"/>).</summary>
    public static IReadOnlyList<RacerSelection> Lineup =>
        new[] { "SGD", "SGD+momentum", "Adam", "AdamW" }
            .Select(RacerCatalog.Find)
            .OfType<Racer>()
            .Select(racer => new RacerSelection(racer, null))
            .ToArray();
}
