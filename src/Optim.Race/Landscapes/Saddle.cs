using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// The saddle x² − y²: no minimum at all. A start near y = 0 shows how long each optimizer lingers at the saddle
/// point before it escapes downhill.
/// </summary>
public sealed class Saddle : ILandscape
{
    public string Name => "saddle";

    public string Formula => "x² − y²";

    public int Dimension => 2;

    public IReadOnlyList<double> DefaultStart { get; } = [1, 1e-3];

    public int DefaultSteps => 200;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; } = [];

    public double Loss(ReadOnlySpan<double> position) => position[0] * position[0] - position[1] * position[1];

    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        gradient[0] = 2f * position[0];
        gradient[1] = -2f * position[1];
    }
}
