using System;
using System.Collections.Generic;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// A loss surface to race optimizers on. The loss is evaluated in double (to judge where a run ended up); the
/// gradient in float, as the optimizers see it.
/// </summary>
public interface ILandscape
{
    /// <summary>The name used on the command line, e.g. <c>beale</c>.</summary>
    string Name { get; }

    /// <summary>The loss as a formula, for tables and help.</summary>
    string Formula { get; }

    /// <summary>The number of coordinates of a position.</summary>
    int Dimension { get; }

    /// <summary>
    /// The shape of the parameter a racer moves, whose elements are the position's coordinates in row-major order:
    /// a vector of <see cref="Dimension"/> unless the landscape says otherwise (matrix-least-squares's
    /// position is a 4 × 3 matrix). Its rank decides which optimizers can race here (<see cref="Racer.Accepts"/>).
    /// </summary>
    IReadOnlyList<int> Shape => [Dimension];

    /// <summary>Where a race starts unless told otherwise.</summary>
    IReadOnlyList<double> DefaultStart { get; }

    /// <summary>How many steps a race takes unless told otherwise: enough for the good optimizers to arrive.</summary>
    int DefaultSteps { get; }

    /// <summary>The global minima, for the distance to the nearest one; empty when the loss has no minimum.</summary>
    IReadOnlyList<IReadOnlyList<double>> Minima { get; }

    /// <summary>The loss at <paramref name="position"/>.</summary>
    double Loss(ReadOnlySpan<double> position);

    /// <summary>Writes the gradient at <paramref name="position"/> into <paramref name="gradient"/>, computed in float.</summary>
    void Gradient(ReadOnlySpan<float> position, Span<float> gradient);
}
