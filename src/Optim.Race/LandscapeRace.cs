using System.Collections.Generic;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Race;

/// <summary>The outcome of racing several optimizers on one landscape.</summary>
/// <param name="MinimumLoss">The loss at the global minimum; null when the landscape has none.</param>
public sealed record LandscapeRace(ILandscape Landscape, RaceSettings Settings, double? MinimumLoss, IReadOnlyList<RacerRun> Runs);
