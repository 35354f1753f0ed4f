using System;
using System.Collections.Generic;

namespace ScratchOptim.Training;

/// <summary>
/// The checks scheduler constructors share for arguments that are plain numbers (a learning rate reached at some
/// step, a decay factor): each refusal is an <see cref="ArgumentOutOfRangeException"/> naming the argument and
/// its value, thrown before the scheduler writes anything into the optimizer's groups.
/// </summary>
internal static class ScheduleArguments
{
    /// <summary>Refuses NaN, ±∞ and negative values; <paramref name="what"/> says what the argument is.</summary>
    public static void FiniteNonNegative(double value, string argument, string what)
    {
        if (!IsFiniteNonNegative(value)) throw new ArgumentOutOfRangeException(argument, value, $"{what} must be finite and not negative.");
    }

    /// <summary>A per-group argument: refuses NaN, ±∞ and negative values, naming the group.</summary>
    public static void FiniteNonNegative(IReadOnlyList<double> values, string argument, string what)
    {
        for (int g = 0; g < values.Count; g++)
            if (!IsFiniteNonNegative(values[g]))
                throw new ArgumentOutOfRangeException(argument, values[g], $"{what} of parameter group {g} must be finite and not negative.");
    }

    /// <summary>Refuses NaN, ±∞, 0 and negative values.</summary>
    public static void FinitePositive(double value, string argument, string what)
    {
        if (!(double.IsFinite(value) && value > 0)) throw new ArgumentOutOfRangeException(argument, value, $"{what} must be finite and positive.");
    }

    /// <summary>The factor of a decay (StepLR, MultiStepLR, ExponentialLR, CyclicLR's exp_range): finite and not negative.</summary>
    public static void Gamma(double gamma, string argument = "gamma") =>
        FiniteNonNegative(gamma, argument, "The decay factor gamma");

    public static bool IsFiniteNonNegative(double value) => double.IsFinite(value) && value >= 0;
}
