using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using ScratchOptim.Race;
using ScratchOptim.Race.Numerics;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Model;
using ScratchOptim.Training;

namespace ScratchOptim.Train.Training;

/// <summary>
/// Trains the MLP with one optimizer, as a PyTorch training loop would: each epoch visits the training examples in
/// an order fixed by the seed and the epoch; each step zeroes the gradients, accumulates them over its micro-batches,
/// clips them, steps the optimizer and then the schedule. Everything is sequential and seeded, so a rerun with the
/// same settings gives the same bits (on the same machine: TensorPrimitives uses its widest vectors).
/// </summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="entry"/>'s optimizer on <paramref name="data"/>.</summary>
    /// <param name="progress">Called after every step with the steps taken and the steps of the whole run.</param>
    /// <param name="checkpoint">Where to save the run after every epoch, and whether to resume from what is there.</param>
    /// <param name="cancellation">Checked before every step; the checkpoint keeps the last whole epoch.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or the optimizer rejects one (or has no learning rate).</exception>
    /// <exception cref="System.IO.InvalidDataException">The checkpoint to resume from is corrupt or belongs to another run.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static TrainingRun Run(
        DataSplit data, RaceEntry entry, TrainSettings settings, Action<int, int>? progress = null, CheckpointOptions? checkpoint = null,
        CancellationToken cancellation = default)
    {
        var (model, optimizer, scheduler, run) = Start(data, entry, settings, checkpoint);
        int totalSteps = settings.TotalSteps(data.Train.Count);
        int? resumedAt = run.Step > 0 ? run.Step : null;

        var trainingTime = new Stopwatch();
        var modes = new EvaluationModes(optimizer);
        if (run.Step == 0)
        {
            if (settings.EvaluateEvery is not null) Evaluate(model, data, settings, run, modes);
            Snapshot(model, settings, totalSteps, run, modes);
        }

        Memory<float>[] gradients = [.. model.Parameters.Select(parameter => parameter.Grad!.Value)];
        int examplesPerStep = settings.ExamplesPerStep;
        for (; run.Epoch < settings.Epochs && run.DivergedAtStep is null; run.Epoch++)
        {
            var order = Shuffle.Permutation(data.Train.Count, EpochRandom(settings.Seed, run.Epoch));
            for (int start = 0; start < order.Length; start += examplesPerStep)
            {
                cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(examplesPerStep, order.Length - start);
                trainingTime.Start();
                // The step's gradient is the mean over its examples, however many micro-batches carry them.
                modes.Train(); // the gradient is taken where the optimizer steps (y for Schedule-Free)
                model.ZeroGradients();
                double lossSum = 0;
                for (int micro = start; micro < start + count; micro += settings.BatchSize)
                    lossSum += model.AccumulateGradients(data.Train, order.AsSpan(micro, Math.Min(settings.BatchSize, start + count - micro)), 1f / count);
                double loss = lossSum / count;
                if (!double.IsFinite(loss))
                {
                    trainingTime.Stop();
                    run.DivergedAtStep = run.Step;
                    break;
                }
                if (settings.ClipNorm is { } maxNorm) ScratchOptim.Training.GradientClipping.ClipGradNorm<float>(gradients, maxNorm);
                double learningRate = LearningRate(optimizer);
                optimizer.Step();
                scheduler?.Step();
                trainingTime.Stop();

                run.Step++;
                run.StepLosses.Add(loss);
                run.LearningRates.Add(learningRate);
                bool last = run.Step == totalSteps;
                if (settings.EvaluateEvery is { } every && (run.Step % every == 0 || last)) Evaluate(model, data, settings, run, modes);
                Snapshot(model, settings, totalSteps, run, modes);
                progress?.Invoke(run.Step, totalSteps);
            }
            run.TrainingTime += trainingTime.Elapsed;
            trainingTime.Reset();
            if (checkpoint is not null && run.DivergedAtStep is null) RunCheckpoint.Save(checkpoint.Path, run, completedEpochs: run.Epoch + 1, model, optimizer, scheduler);
        }

        if (settings.EvaluateEvery is null || run.DivergedAtStep is not null) Evaluate(model, data, settings, run, modes);
        // The run ends with the model at the point its optimizer is evaluated at, as the final figures are.
        modes.Eval();
        return new TrainingRun(entry, model.Architecture, run.StepLosses, run.LearningRates, run.Evaluations,
            model.Evaluate(data.Train), model.Evaluate(data.Test), run.StepsToTarget, run.DivergedAtStep, run.TrainingTime,
            run.Trajectory, resumedAt);
    }

    /// <summary>
    /// Checks, without training, what <see cref="Run"/> would refuse: the settings, the optimizer with its settings
    /// and learning rate, and the checkpoint to resume from (read whole, as a resumed run reads it).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range, or the optimizer rejects one (or has no learning rate).</exception>
    /// <exception cref="System.IO.InvalidDataException">The checkpoint to resume from is corrupt or belongs to another run.</exception>
    public static void Check(DataSplit data, RaceEntry entry, TrainSettings settings, CheckpointOptions? checkpoint = null) =>
        Start(data, entry, settings, checkpoint);

    /// <summary>The network, optimizer and schedule of a run, and its record: new, or as the checkpoint left them.</summary>
    private static (Mlp<float> Model, Optimizer Optimizer, LRScheduler? Scheduler, RunRecord Run) Start(
        DataSplit data, RaceEntry entry, TrainSettings settings, CheckpointOptions? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();

        var model = new Mlp<float>(settings.LayerSizes(data.FeatureCount, data.ClassCount), settings.Seed);
        var optimizer = CreateOptimizer(entry, model.Parameters);
        var scheduler = CreateScheduler(settings.Schedule, optimizer, settings.TotalSteps(data.Train.Count));
        var run = new RunRecord(RunCheckpoint.Describe(data, entry, settings, model));
        if (checkpoint is { Resume: true } && System.IO.File.Exists(checkpoint.Path))
        {
            run = RunCheckpoint.Load(checkpoint.Path, run.Description, model, optimizer, scheduler);
            if (run.Epoch > settings.Epochs)
                throw new System.IO.InvalidDataException(
                    $"{checkpoint.Path}: cannot resume from this checkpoint: it is {run.Epoch} epochs into its run; this run has {settings.Epochs}.");
        }
        return (model, optimizer, scheduler, run);
    }

    /// <summary>
    /// Trains <paramref name="entry"/>'s optimizer on throwaway weights for <paramref name="duration"/>, unmeasured,
    /// so that the run timed next does not pay for compiling its code. .NET first compiles a method quickly and
    /// recompiles it optimized only once it has been called often and compilation has been quiet for a moment; until
    /// then TensorPrimitives' generic loops and the optimizer's step run several times slower, and whichever
    /// optimizer trained first would be charged for it.
    /// </summary>
    public static void WarmUp(DataSplit data, RaceEntry entry, TrainSettings settings, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // One long run rather than many short ones, since code compiled for the first time postpones the recompiling.
        var endless = settings with { Epochs = TrainSettings.MaxEpochs, EvaluateEvery = null, TrajectoryPoints = 0 };
        using var timeUp = new CancellationTokenSource(duration);
        try
        {
            do Run(data, entry, endless, cancellation: timeUp.Token);
            while (!timeUp.IsCancellationRequested); // a run that diverged ended early
        }
        catch (OperationCanceledException) when (timeUp.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The optimizer over <paramref name="parameters"/> with the racer's settings and the entry's learning rate, as
    /// <see cref="Racer.Create"/> makes it over one parameter.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The learning rate is not a finite number of at least 0, the optimizer has no learning rate <c>lr</c>, or it rejects a setting.
    /// </exception>
    public static Optimizer CreateOptimizer(RaceEntry entry, IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var racer = entry.Racer;
        if (!(double.IsFinite(entry.LearningRate) && entry.LearningRate >= 0))
            throw new ArgumentOutOfRangeException(nameof(entry), entry.LearningRate, $"{racer.Label}: the learning rate must be a finite number of at least 0; got {entry.LearningRate.ToString(CultureInfo.InvariantCulture)}.");
        RequireLearningRate(racer);
        var optimizer = racer.Optimizer.Create(parameters);
        var hyperparameters = optimizer.GroupHyperparameters(0);
        foreach (var (name, value) in racer.Settings) hyperparameters.Set(name, value);
        hyperparameters.Set("lr", entry.LearningRate);
        return optimizer;
    }

    /// <summary>Refuses an optimizer without a learning rate <c>lr</c> (one of a user's own may call its step size otherwise).</summary>
    /// <exception cref="ArgumentException">It has none.</exception>
    internal static void RequireLearningRate(Racer racer)
    {
        if (!racer.Optimizer.Info.Hyperparameters.Any(hyper => hyper.Name == "lr"))
            throw new ArgumentException($"{racer.Label} has no hyperparameter 'lr', the learning rate training sets; only optimizers with one can train here.");
    }

    /// <summary>The scheduler of <paramref name="schedule"/> over <paramref name="totalSteps"/> steps; null for a constant rate.</summary>
    public static LRScheduler? CreateScheduler(Schedule schedule, Optimizer optimizer, int totalSteps) => schedule switch
    {
        Schedule.Constant => null,
        Schedule.Cosine => new CosineAnnealingLR(optimizer, tMax: totalSteps),
        Schedule.WarmupCosine when totalSteps >= 2 => LRSchedules.LinearWarmupCosine(optimizer, warmupSteps: Math.Max(1, totalSteps / 20), totalSteps),
        Schedule.WarmupCosine => throw new ArgumentException($"A warmup and a decay need at least 2 steps; this run has {totalSteps}."),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Unknown schedule."),
    };

    /// <summary>The generator of epoch <paramref name="epoch"/>'s order: a function of the seed and the epoch alone, so a resumed run visits the same examples.</summary>
    private static SplitMix64 EpochRandom(ulong seed, int epoch) => new(unchecked(seed + 0xD1B54A32D192ED03UL * (ulong)(epoch + 1)));

    private static double LearningRate(Optimizer optimizer) =>
        Convert.ToDouble(optimizer.GroupHyperparameters(0).Get("lr"), CultureInfo.InvariantCulture);

    private static void Evaluate(Mlp<float> model, DataSplit data, TrainSettings settings, RunRecord run, EvaluationModes modes)
    {
        if (run.Evaluations.Count > 0 && run.Evaluations[^1].Step == run.Step) return;
        modes.Eval();
        var test = model.Evaluate(data.Test);
        run.Evaluations.Add(new EvaluationPoint(run.Step, test.Loss, test.Accuracy));
        if (run.StepsToTarget is null && test.Accuracy >= settings.TargetAccuracy) run.StepsToTarget = run.Step;
    }

    /// <summary>Keeps a copy of the weights every ⌈total / points⌉ steps, before the first and after the last.</summary>
    private static void Snapshot(Mlp<float> model, TrainSettings settings, int totalSteps, RunRecord run, EvaluationModes modes)
    {
        if (settings.TrajectoryPoints == 0) return;
        int every = Math.Max(1, (totalSteps + settings.TrajectoryPoints - 1) / settings.TrajectoryPoints);
        if (run.Step % every != 0 && run.Step != totalSteps) return;
        var weights = new float[model.ParameterCount];
        modes.Eval();
        model.CopyParametersTo(weights);
        run.Trajectory.Add(new TrajectoryPoint(run.Step, weights));
    }
}

/// <summary>Where a run is checkpointed after every epoch, and whether it starts from the checkpoint found there.</summary>
public sealed record CheckpointOptions(string Path, bool Resume);
