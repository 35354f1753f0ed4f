using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Train.Training;

/// <summary>How the learning rate changes over a run (schedulers of ScratchOptim.Training, stepped once per optimizer step).</summary>
public enum Schedule
{
    /// <summary>The optimizer's learning rate throughout.</summary>
    Constant,

    /// <summary><c>CosineAnnealingLR</c> over the whole run, down to 0.</summary>
    Cosine,

    /// <summary><c>LRSchedules.LinearWarmupCosine</c>: a linear warmup over the first 5 % of the steps, then a cosine down to 0.</summary>
    WarmupCosine,
}

/// <summary>The settings of a training run, the same for every optimizer of a comparison.</summary>
public sealed record TrainSettings
{
    public const int MaxEpochs = 10_000;
    public const int MaxBatchSize = 1 << 16;
    public const int MaxAccumulationSteps = 1024;
    public const int MaxHiddenWidth = 1 << 14;

    /// <summary>Passes over the training examples.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Examples per forward and backward pass (the micro-batch when accumulating).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Micro-batches whose gradients are summed before each optimizer step: a step sees
    /// <see cref="BatchSize"/> × this many examples, and its gradient is their mean, the large batch's.
    /// </summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>The widths of the hidden layers, e.g. [128] for 64-128-10 on the digits.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [128];

    /// <summary>Fixes the initial weights and the order of the examples in every epoch.</summary>
    public ulong Seed { get; init; }

    public Schedule Schedule { get; init; } = Schedule.Constant;

    /// <summary>When set, the gradients are scaled to at most this total 2-norm before each step (<c>clip_grad_norm_</c>).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Steps between measurements of the test accuracy (also before the first step and after the last); null: only after the last.</summary>
    public int? EvaluateEvery { get; init; } = 1;

    /// <summary>The test accuracy whose first crossing the run reports, as steps taken.</summary>
    public double TargetAccuracy { get; init; } = 0.95;

    /// <summary>Roughly how many copies of the weights to keep along the way, for the loss landscape; 0 keeps none.</summary>
    public int TrajectoryPoints { get; init; } = 100;

    /// <summary>The examples one optimizer step sees (the last step of an epoch may see fewer).</summary>
    public int ExamplesPerStep => BatchSize * AccumulationSteps;

    /// <summary>Optimizer steps per epoch over <paramref name="trainingExamples"/> examples; the last step takes what is left.</summary>
    public int StepsPerEpoch(int trainingExamples) => (trainingExamples + ExamplesPerStep - 1) / ExamplesPerStep;

    public int TotalSteps(int trainingExamples) => Epochs * StepsPerEpoch(trainingExamples);

    /// <summary>The network's layer sizes for <paramref name="inputs"/> features and <paramref name="classes"/> classes.</summary>
    public IReadOnlyList<int> LayerSizes(int inputs, int classes) => [inputs, .. HiddenSizes, classes];

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of its range; the message names it and the range.</exception>
    public void Validate()
    {
        Check(Epochs is >= 1 and <= MaxEpochs, $"epochs must be from 1 to {MaxEpochs}; got {Epochs}.");
        Check(BatchSize is >= 1 and <= MaxBatchSize, $"the batch size must be from 1 to {MaxBatchSize}; got {BatchSize}.");
        Check(AccumulationSteps is >= 1 and <= MaxAccumulationSteps, $"accumulation must be from 1 to {MaxAccumulationSteps} micro-batches; got {AccumulationSteps}.");
        Check(HiddenSizes is not null && HiddenSizes.All(width => width is >= 1 and <= MaxHiddenWidth),
            $"hidden layer widths must be from 1 to {MaxHiddenWidth}; got [{string.Join(", ", HiddenSizes ?? [])}].");
        Check(ClipNorm is null || (double.IsFinite(ClipNorm.Value) && ClipNorm > 0), $"the clipping norm must be a positive number; got {ClipNorm}.");
        Check(EvaluateEvery is null or >= 1, $"evaluations must be at least 1 step apart; got {EvaluateEvery}.");
        Check(TargetAccuracy is > 0 and <= 1, $"the target accuracy must be in (0, 1]; got {TargetAccuracy}.");
        Check(TrajectoryPoints >= 0, $"trajectory points must be 0 or more; got {TrajectoryPoints}.");
        Check(Enum.IsDefined(Schedule), $"unknown schedule {Schedule}.");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new ArgumentException("Training settings: " + message);
    }
}
