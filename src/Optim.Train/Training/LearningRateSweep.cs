using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Model;

namespace ScratchOptim.Train.Training;

/// <summary>One optimizer trained at one learning rate, as the sweep keeps it.</summary>
/// <param name="Final">Loss and accuracy on the training examples after the last step.</param>
/// <param name="FinalTest">Loss and accuracy on the test examples after the last step.</param>
/// <param name="DivergedAtStep">When the loss stopped being finite; null when it never did.</param>
public sealed record SweepPoint(double LearningRate, Evaluation Final, Evaluation FinalTest, int? DivergedAtStep);

/// <summary>One optimizer across the learning rates of a sweep.</summary>
public sealed record SweepCurve(Racer Racer, IReadOnlyList<SweepPoint> Points)
{
    /// <summary>The point with the lowest final training loss among those that did not diverge; null when all did.</summary>
    public SweepPoint? Best => Points.Where(point => point.DivergedAtStep is null && double.IsFinite(point.Final.Loss)).MinBy(point => point.Final.Loss);
}

/// <summary>Every optimizer trained at every learning rate of a grid.</summary>
public sealed record SweepResult(DataSplit Data, TrainSettings Settings, IReadOnlyList<double> LearningRates, IReadOnlyList<SweepCurve> Curves);

/// <summary>
/// The learning-rate sweep: the same training run for each optimizer at each rate of a grid, keeping only where
/// each ended. The curves show which optimizers are robust to their learning rate: a wide flat valley, or a narrow
/// one between stalling and diverging.
/// </summary>
public static class LearningRateSweep
{
    /// <summary>Half-decade steps from 1e-4 to 3: 1e-4, 3e-4, 1e-3, …, 0.3, 1, 3.</summary>
    public static IReadOnlyList<double> DefaultGrid { get; } = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3];

    /// <summary>Trains each of <paramref name="racers"/> at each of <paramref name="learningRates"/>, measuring only at the end.</summary>
    /// <param name="progress">Called after every step of every run with the steps taken and the steps of the whole sweep.</param>
    /// <exception cref="ArgumentException">A setting or learning rate is out of range, or an optimizer rejects one.</exception>
    public static SweepResult Run(DataSplit data, IReadOnlyList<Racer> racers, IReadOnlyList<double> learningRates, TrainSettings settings, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(racers);
        ArgumentNullException.ThrowIfNull(learningRates);
        if (learningRates.Count == 0 || learningRates.Any(rate => !(double.IsFinite(rate) && rate > 0)))
            throw new ArgumentException($"A sweep needs positive, finite learning rates; got [{string.Join(", ", learningRates)}].", nameof(learningRates));
        var sweepSettings = settings with { EvaluateEvery = null, TrajectoryPoints = 0 };
        int stepsPerRun = sweepSettings.TotalSteps(data.Train.Count);
        int total = stepsPerRun * racers.Count * learningRates.Count;
        int done = 0;
        var curves = new List<SweepCurve>();
        foreach (var racer in racers)
        {
            var points = new List<SweepPoint>();
            foreach (double rate in learningRates)
            {
                int before = done;
                var run = Trainer.Run(data, new RaceEntry(racer, rate), sweepSettings, (step, _) => progress?.Invoke(before + step, total));
                done = before + stepsPerRun;
                progress?.Invoke(done, total);
                points.Add(new SweepPoint(rate, run.Final, run.FinalTest, run.DivergedAtStep));
            }
            curves.Add(new SweepCurve(racer, points));
        }
        return new SweepResult(data, sweepSettings, learningRates, curves);
    }
}
