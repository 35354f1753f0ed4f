using System.Collections.Generic;

namespace ScratchOptim.Race;

/// <summary>How one race on one landscape is run.</summary>
/// <param name="Steps">Optimizer steps per racer.</param>
/// <param name="Start">The position every racer starts from.</param>
/// <param name="ClipNorm">When set, each gradient is scaled down to at most this global norm before the step.</param>
/// <param name="Tolerance">A racer has arrived when its loss is within this of the lowest loss.</param>
public sealed record RaceSettings(int Steps, IReadOnlyList<double> Start, double? ClipNorm = null, double Tolerance = 1e-6);
