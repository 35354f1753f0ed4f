using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Race;

/// <summary>
/// Runs optimizers on a landscape as a training loop would: gradient into <see cref="Parameter.Grad"/>, optional
/// clipping, <see cref="Optimizer.Step"/>; and records every position and loss on the way.
/// </summary>
public static class RaceEngine
{
    /// <summary>Races every entry on <paramref name="landscape"/>, each from the same start.</summary>
    /// <exception cref="ArgumentException">
    /// The start does not have the landscape's dimension, the steps are outside 0 to <see cref="RaceSettings.MaxSteps"/>,
    /// or an optimizer rejects a setting.
    /// </exception>
    public static LandscapeRace Run(ILandscape landscape, IReadOnlyList<RaceEntry> entries, RaceSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Steps, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Steps, RaceSettings.MaxSteps, nameof(settings));
        if (settings.Start.Count != landscape.Dimension)
            throw new ArgumentException($"The start has {settings.Start.Count} coordinates; {landscape.Name} has {landscape.Dimension}.", nameof(settings));
        double? minimumLoss = landscape.Minima.Count == 0 ? null : landscape.Minima.Min(minimum => landscape.Loss(minimum.ToArray()));
        var runs = entries.Select(entry => RunOne(landscape, entry, settings, minimumLoss)).ToArray();
        return new LandscapeRace(landscape, settings, minimumLoss, runs);
    }

    private static RacerRun RunOne(ILandscape landscape, RaceEntry entry, RaceSettings settings, double? minimumLoss)
    {
        var position = settings.Start.Select(coordinate => (float)coordinate).ToArray();
        var gradient = new float[position.Length];
        // The parameter wraps these arrays: the optimizer moves position in place, the landscape writes gradient.
        var parameter = new Parameter<float>(position, "position") { Grad = gradient };
        var optimizer = entry.Racer.Create(parameter, entry.LearningRate);

        var path = new List<double[]>(settings.Steps + 1);
        var losses = new List<double>(settings.Steps + 1);
        int? stepsToTolerance = null;
        int? divergedAtStep = null;
        // Record where the racer is, then step: the path holds the start and the position after every step.
        for (int step = 0; ; step++)
        {
            var here = Array.ConvertAll(position, coordinate => (double)coordinate);
            double loss = landscape.Loss(here);
            path.Add(here);
            losses.Add(loss);
            if (!double.IsFinite(loss) || !here.All(double.IsFinite))
            {
                divergedAtStep = step;
                stepsToTolerance = null;
                break;
            }
            // The first step of the last stretch within the tolerance: a racer that leaves it again has not arrived yet.
            if (minimumLoss is { } lowest && loss - lowest < settings.Tolerance) stepsToTolerance ??= step;
            else stepsToTolerance = null;
            if (step == settings.Steps) break;

            landscape.Gradient(position, gradient);
            if (settings.ClipNorm is { } maxNorm) GradientClipping.ClipToNorm(gradient, maxNorm);
            optimizer.Step();
        }

        double? distance = divergedAtStep is null && landscape.Minima.Count > 0
            ? landscape.Minima.Min(minimum => Distance(path[^1], minimum))
            : null;
        return new RacerRun(entry, path, losses, divergedAtStep, stepsToTolerance, distance);
    }

    private static double Distance(IReadOnlyList<double> from, IReadOnlyList<double> to)
    {
        double sumOfSquares = 0;
        for (int i = 0; i < from.Count; i++) sumOfSquares += (from[i] - to[i]) * (from[i] - to[i]);
        return Math.Sqrt(sumOfSquares);
    }
}
