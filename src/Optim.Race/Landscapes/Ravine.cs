using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// The ravine 50x² + y²: steep across, shallow along. A learning rate small enough not to bounce off the walls
/// crawls along the floor, which is what momentum and per-coordinate step sizes are for.
/// </summary>
public sealed class Ravine : ILandscape
{
    public string Name => "ravine";

    public string Formula => "50x² + y²";

    public int Dimension => 2;

    public IReadOnlyList<double> DefaultStart { get; } = [1, 1];

    public int DefaultSteps => 1000;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; } = [[0, 0]];

    public double Loss(ReadOnlySpan<double> position) => 50 * position[0] * position[0] + position[1] * position[1];

    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        gradient[0] = 100f * position[0];
        gradient[1] = 2f * position[1];
    }
}
