using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// Beale's function (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat plateaus and steep
/// walls around a narrow valley leading to the minimum at (3, 0.5); gradients differ by orders of magnitude
/// from one place to another, which is hard on a single global learning rate.
/// </summary>
public sealed class Beale : ILandscape
{
    public string Name => "beale";

    public string Formula => "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²";

    public int Dimension => 2;

    /// <summary>
    /// (1, 1): every racer finds the valley to the minimum from here, so a race compares speed. From (-1, 1.5),
    /// another common start, whether a run reaches (3, 0.5) or drifts along the plateau toward x → −∞ flips with
    /// small changes of the learning rate.
    /// </summary>
    public IReadOnlyList<double> DefaultStart { get; } = [1, 1];

    public int DefaultSteps => 2000;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; } = [[3, 0.5]];

    public double Loss(ReadOnlySpan<double> position)
    {
        double x = position[0], y = position[1];
        double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
        return a * a + b * b + c * c;
    }

    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        float x = position[0], y = position[1];
        float a = 1.5f - x + x * y, b = 2.25f - x + x * y * y, c = 2.625f - x + x * y * y * y;
        gradient[0] = 2f * a * (y - 1f) + 2f * b * (y * y - 1f) + 2f * c * (y * y * y - 1f);
        gradient[1] = 2f * a * x + 2f * b * 2f * x * y + 2f * c * 3f * x * y * y;
    }
}
