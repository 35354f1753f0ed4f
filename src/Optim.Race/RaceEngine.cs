using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Race;

/// <summary>
/// Runs optimizers on a landscape as a training loop would, over a parameter of the landscape's shape (a matrix on a
/// matrix landscape, where Muon and SOAP do their matrix work): gradient into <see cref="Parameter.Grad"/>, optional
/// clipping, <see cref="Optimizer.Step"/>; and records every position and loss on the way. Optimizers with procedures
/// run them as their authors' training loops do: Schedule-Free's (<c>Train</c> and <c>Eval</c>) trains at y and is
/// recorded at the average x, where it would be evaluated; SophiaG (<c>UpdateHessian</c>) gets an estimate of the
/// Hessian's diagonal every <see cref="HessianInterval"/> steps.
/// </summary>
public static class RaceEngine
{
    /// <summary>Steps between two Hessian estimates, as in the SophiaG authors' training script.</summary>
    public const int HessianInterval = 10;

    /// <summary>
    /// The procedures a race knows when to run: Schedule-Free's pair and SophiaG's estimate. An optimizer with any other
    /// cannot race (<see cref="RacerSelection.Refusal"/>): its procedure would never run, and its path would be wrong.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> KnownProcedures { get; } = [["Train", "Eval"], ["UpdateHessian"]];

    /// <summary>Whether the race runs every procedure of <paramref name="info"/>: each of them in a known set, and each set whole.</summary>
    public static bool RunsProceduresOf(OptimizerInfo info)
    {
        var names = info.Procedures.Select(procedure => procedure.Name).ToHashSet(StringComparer.Ordinal);
        var known = KnownProcedures.Where(set => set.Any(names.Contains)).ToArray();
        return known.All(set => set.All(names.Contains)) && names.All(name => known.Any(set => set.Contains(name)));
    }

    /// <summary>Races every entry on <paramref name="landscape"/>, each from the same start.</summary>
    /// <exception cref="ArgumentException">
    /// The start does not have the landscape's dimension, the steps are outside 0 to <see cref="RaceSettings.MaxSteps"/>,
    /// an optimizer does not take parameters of the landscape's rank (<see cref="CheckRanks"/>), or an optimizer rejects
    /// a setting.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// A racer's step calls a native library that cannot be loaded here, as matrix work calls OpenBLAS, which a web page has not.
    /// </exception>
    public static LandscapeRace Run(ILandscape landscape, IReadOnlyList<RaceEntry> entries, RaceSettings settings)
    {
        CheckRanks(landscape, entries.Select(entry => entry.Racer));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Steps, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Steps, RaceSettings.MaxSteps, nameof(settings));
        if (settings.Start.Count != landscape.Dimension)
            throw new ArgumentException($"The start has {settings.Start.Count} coordinates; {landscape.Name} has {landscape.Dimension}.", nameof(settings));
        double? minimumLoss = landscape.Minima.Count == 0 ? null : landscape.Minima.Min(minimum => landscape.Loss(minimum.ToArray()));
        var runs = entries.Select(entry => RunOneSayingWhyNativeWorkFails(landscape, entry, settings, minimumLoss)).ToArray();
        return new LandscapeRace(landscape, settings, minimumLoss, runs);
    }

    /// <summary>Refuses, before any step, a racer whose optimizer does not take parameters of the landscape's rank.</summary>
    /// <exception cref="ArgumentException">
    /// A racer does not accept the landscape (<see cref="Racer.Accepts"/>); the message names the optimizer, the ranks it
    /// takes, the landscape's shape and the landscapes it can race on.
    /// </exception>
    public static void CheckRanks(ILandscape landscape, IEnumerable<Racer> racers)
    {
        foreach (var racer in racers)
        {
            if (racer.Accepts(landscape)) continue;
            var info = racer.Optimizer.Info;
            string shape = landscape.Shape.Count == 1 ? $"a vector of {landscape.Dimension}" : string.Join(" × ", landscape.Shape);
            var elsewhere = LandscapeCatalog.All.Where(racer.Accepts).Select(other => other.Name).ToArray();
            throw new ArgumentException(
                $"{racer.Label} cannot race on {landscape.Name}: {info.Name} takes {info.Ranks} parameters, and a position on " +
                $"{landscape.Name} is {shape} ({landscape.Shape.Count}-D)" +
                (elsewhere.Length > 0 ? $"; it races on {string.Join(", ", elsewhere)}." : "."));
        }
    }

    private static RacerRun RunOneSayingWhyNativeWorkFails(ILandscape landscape, RaceEntry entry, RaceSettings settings, double? minimumLoss)
    {
        try
        {
            return RunOne(landscape, entry, settings, minimumLoss);
        }
        catch (DllNotFoundException exception)
        {
            string what = entry.Racer.Optimizer.Info.MatrixOperations.Count > 0 ? "its matrix work" : "its step";
            throw new InvalidOperationException(OperatingSystem.IsBrowser()
                ? $"{entry.Racer.Label} cannot race in a web page with these settings: {what} calls OpenBLAS, a native library, and a web page has none."
                : $"{entry.Racer.Label} cannot race with these settings: {what} needs a native library that could not be loaded. {exception.Message}",
                exception);
        }
    }

    private static RacerRun RunOne(ILandscape landscape, RaceEntry entry, RaceSettings settings, double? minimumLoss)
    {
        var position = settings.Start.Select(coordinate => (float)coordinate).ToArray();
        var gradient = new float[position.Length];
        // The parameter wraps these arrays: the optimizer moves position in place, the landscape writes gradient.
        var parameter = new Parameter<float>(position, landscape.Shape, "position") { Grad = gradient };
        var optimizer = entry.Racer.Create(parameter, entry.LearningRate);
        var modes = new EvaluationModes(optimizer);
        bool hessian = optimizer.Info.Procedures.Any(p => p.Name == "UpdateHessian");

        var path = new List<double[]>(settings.Steps + 1);
        var losses = new List<double>(settings.Steps + 1);
        int? stepsToTolerance = null;
        int? divergedAtStep = null;
        // Record where the racer is, then step: the path holds the start and the position after every step.
        for (int step = 0; ; step++)
        {
            // Schedule-Free is evaluated at the average x, which Eval() swaps in; it trains at y.
            modes.Eval();
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

            // The gradient is taken where the optimizer steps (y for Schedule-Free).
            modes.Train();
            landscape.Gradient(position, gradient);
            if (settings.ClipNorm is { } maxNorm) GradientClipping.ClipToNorm(gradient, maxNorm);
            optimizer.Step();
            if (hessian && (step + 1) % HessianInterval == 0)
            {
                HessianEstimate(landscape, position, gradient, optimizer);
                optimizer.RunProcedure("UpdateHessian");
            }
        }

        double? distance = divergedAtStep is null && landscape.Minima.Count > 0
            ? landscape.Minima.Min(minimum => Distance(path[^1], minimum))
            : null;
        return new RacerRun(entry, path, losses, divergedAtStep, stepsToTolerance, distance);
    }


    /// <summary>
    /// What SophiaG's UpdateHessian is given on a landscape, which has no labels to sample: the square root of the positive
    /// part of the Hessian's diagonal (central second differences of the loss) over the batch size bs, so that the
    /// squared value it averages, times rho · bs, is rho times the curvature, as the authors' estimator is in expectation.
    /// </summary>
    private static void HessianEstimate(ILandscape landscape, float[] position, float[] estimate, Optimizer optimizer)
    {
        double batchSize = optimizer.Info.Hyperparameters.Any(hyper => hyper.TorchName == "bs")
            ? Convert.ToDouble(optimizer.GroupHyperparameters(0).Get("bs"), System.Globalization.CultureInfo.InvariantCulture)
            : 1;
        var at = Array.ConvertAll(position, coordinate => (double)coordinate);
        double center = landscape.Loss(at);
        for (int i = 0; i < at.Length; i++)
        {
            double x = at[i];
            double h = 1e-4 * Math.Max(1, Math.Abs(x));
            at[i] = x + h;
            double ahead = landscape.Loss(at);
            at[i] = x - h;
            double behind = landscape.Loss(at);
            at[i] = x;
            double curvature = (ahead - 2 * center + behind) / (h * h);
            estimate[i] = (float)Math.Sqrt(Math.Max(curvature, 0) / Math.Max(batchSize, 1));
        }
    }

    private static double Distance(IReadOnlyList<double> from, IReadOnlyList<double> to)
    {
        double sumOfSquares = 0;
        for (int i = 0; i < from.Count; i++) sumOfSquares += (from[i] - to[i]) * (from[i] - to[i]);
        return Math.Sqrt(sumOfSquares);
    }
}
