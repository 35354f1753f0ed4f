using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// Rosenbrock's banana (1 − x)² + 100(y − x²)²: easy to fall into its curved valley, slow to follow the valley
/// to the minimum at (1, 1).
/// </summary>
public sealed class Rosenbrock : ILandscape
{
    public string Name => "rosenbrock";

    public string Formula => "(1 − x)² + 100(y − x²)²";

    public int Dimension => 2;

    public IReadOnlyList<double> DefaultStart { get; } = [-1.5, 2];

    public int DefaultSteps => 5000;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; } = [[1, 1]];

    public double Loss(ReadOnlySpan<double> position)
    {
        double x = position[0], y = position[1];
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        float x = position[0], y = position[1];
        float valley = y - x * x;
        gradient[0] = -2f * (1f - x) - 400f * x * valley;
        gradient[1] = 200f * valley;
    }
}
