using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// Himmelblau's function (x² + y − 11)² + (x + y² − 7)²: four minima of equal depth, so where an optimizer ends
/// up depends on the path it takes.
/// </summary>
public sealed class Himmelblau : ILandscape
{
    public string Name => "himmelblau";

    public string Formula => "(x² + y − 11)² + (x + y² − 7)²";

    public int Dimension => 2;

    public IReadOnlyList<double> DefaultStart { get; } = [0, 0];

    public int DefaultSteps => 1000;

    /// <summary>(3, 2) is exact; the other three are roots of a quartic, given to double precision.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Minima { get; } =
    [
        [3, 2],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.283185991286170],
        [3.584428340330492, -1.848126526964404],
    ];

    public double Loss(ReadOnlySpan<double> position)
    {
        double x = position[0], y = position[1];
        double first = x * x + y - 11, second = x + y * y - 7;
        return first * first + second * second;
    }

    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        float x = position[0], y = position[1];
        float first = x * x + y - 11f, second = x + y * y - 7f;
        gradient[0] = 4f * x * first + 2f * second;
        gradient[1] = 2f * first + 4f * y * second;
    }
}
