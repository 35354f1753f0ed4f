using System.Collections.Generic;

namespace ScratchOptim.Race;

/// <summary>What one racer did on one landscape: every position and loss, from the start on, for tables and plots.</summary>
/// <param name="Entry">The racer and its learning rate.</param>
/// <param name="Path">The position before the first step, then after each step.</param>
/// <param name="Losses">The loss at each position of <paramref name="Path"/>.</param>
/// <param name="DivergedAtStep">The step after which the loss or a coordinate stopped being finite; the run ended there.</param>
/// <param name="StepsToTolerance">
/// The first step from which the loss stayed within the tolerance of the lowest loss until the end of the run; null
/// if the last loss was not within it.
/// </param>
/// <param name="DistanceToNearestMinimum">From the final position; null when the landscape has no minimum or the run diverged.</param>
public sealed record RacerRun(
    RaceEntry Entry,
    IReadOnlyList<double[]> Path,
    IReadOnlyList<double> Losses,
    int? DivergedAtStep,
    int? StepsToTolerance,
    double? DistanceToNearestMinimum)
{
    public double[] FinalPosition => Path[^1];

    public double FinalLoss => Losses[^1];
}
