using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Race.Landscapes;

/// <summary>Every landscape the race knows, by name.</summary>
public static class LandscapeCatalog
{
    public static IReadOnlyList<ILandscape> All { get; } =
        [new LeastSquares(), new MatrixLeastSquares(), new Beale(), new Bowl(), new Ravine(), new Rosenbrock(), new Himmelblau(), new Saddle()];

    /// <summary>
    /// The landscapes whose position is a vector. The browser page offers only these: on a matrix landscape the
    /// matrix optimizers' work runs on ScratchOptim.LinearAlgebra's native OpenBLAS, which WebAssembly does not have.
    /// </summary>
    public static IReadOnlyList<ILandscape> Vectors { get; } = [.. All.Where(landscape => landscape.Shape.Count == 1)];

    public static IEnumerable<string> Names => All.Select(landscape => landscape.Name);

    /// <summary>The landscape called <paramref name="name"/> (ignoring case), or null.</summary>
    public static ILandscape? Find(string name) => Find(name, All);

    /// <summary>The landscape called <paramref name="name"/> (ignoring case) among <paramref name="landscapes"/>, or null.</summary>
    public static ILandscape? Find(string name, IReadOnlyList<ILandscape> landscapes) =>
        landscapes.FirstOrDefault(landscape => string.Equals(landscape.Name, name, StringComparison.OrdinalIgnoreCase));
}
