using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>The round bowl x² + y²: the easiest surface there is, the same curvature in every direction.</summary>
public sealed class Bowl : ILandscape
{
    public string Name => "bowl";

    public string Formula => "x² + y²";

    public int Dimension => 2;

    public IReadOnlyList<double> DefaultStart { get; } = [1, 1];

    public int DefaultSteps => 500;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; } = [[0, 0]];

    public double Loss(ReadOnlySpan<double> position) => position[0] * position[0] + position[1] * position[1];

    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        gradient[0] = 2f * position[0];
        gradient[1] = 2f * position[1];
    }
}
