using System.Collections.Generic;

namespace ScratchOptim.Race;

/// <summary>How one race on one landscape is run.</summary>
/// <param name="Steps">Optimizer steps per racer.</param>
/// <param name="Start">The position every racer starts from.</param>
/// <param name="ClipNorm">When set, each gradient is scaled down to at most this global norm before the step.</param>
/// <param name="Tolerance">A racer has arrived when its loss is within this of the lowest loss and stays there.</param>
public sealed record RaceSettings(int Steps, IReadOnlyList<double> Start, double? ClipNorm = null, double Tolerance = 1e-6)
{
    /// <summary>
    /// The most steps a race runs: every position and loss of every racer is kept for the table and the pictures,
    /// about 200 bytes per step and racer (80 MB for the default four racers at the limit, a few seconds); fifty
    /// times the landscapes' own step counts.
    /// </summary>
    public const int MaxSteps = 100_000;

    /// <summary>
    /// The largest start coordinate, in magnitude: the racers move in float32 and the pictures map the loss around
    /// the start, both of which a start near float's or double's range breaks; the landscapes' features lie within ±10.
    /// </summary>
    public const double MaxStartCoordinate = 1e6;
}
