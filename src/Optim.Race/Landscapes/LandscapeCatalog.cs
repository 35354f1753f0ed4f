using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Race.Landscapes;

/// <summary>Every landscape the race knows, by name.</summary>
public static class LandscapeCatalog
{
    public static IReadOnlyList<ILandscape> All { get; } =
        [new LeastSquares(), new Beale(), new Bowl(), new Ravine(), new Rosenbrock(), new Himmelblau(), new Saddle()];

    public static IEnumerable<string> Names => All.Select(landscape => landscape.Name);

    /// <summary>The landscape called <paramref name="name"/> (ignoring case), or null.</summary>
    public static ILandscape? Find(string name) =>
        All.FirstOrDefault(landscape => string.Equals(landscape.Name, name, StringComparison.OrdinalIgnoreCase));
}
