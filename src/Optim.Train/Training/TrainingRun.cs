using System;
using System.Collections.Generic;
using ScratchOptim.Race;
using ScratchOptim.Train.Model;

namespace ScratchOptim.Train.Training;

/// <summary>The test loss and accuracy after <paramref name="Step"/> optimizer steps.</summary>
public readonly record struct EvaluationPoint(int Step, double TestLoss, double TestAccuracy);

/// <summary>A copy of every weight after <paramref name="Step"/> steps, in <see cref="Mlp{T}.Parameters"/> order.</summary>
public sealed record TrajectoryPoint(int Step, float[] Weights);

/// <summary>What one optimizer did in a training run: every step's loss, the measurements along the way, the end.</summary>
/// <param name="Entry">The optimizer and its learning rate.</param>
/// <param name="Architecture">The network, e.g. <c>64-128-10 MLP (9,610 parameters)</c>.</param>
/// <param name="StepLosses">The mean training loss of each step's examples, before the step.</param>
/// <param name="LearningRates">The learning rate each step was taken with.</param>
/// <param name="Evaluations">Test loss and accuracy along the way, the last after the final step.</param>
/// <param name="Final">Loss and accuracy on all training examples after the last step.</param>
/// <param name="FinalTest">Loss and accuracy on the test examples after the last step.</param>
/// <param name="StepsToTarget">The first evaluated step whose test accuracy reached the target; null when none did.</param>
/// <param name="DivergedAtStep">After this many steps the loss of the next examples was not finite, and the run stopped.</param>
/// <param name="TrainingTime">Time spent in the steps (forward, backward, clipping, optimizer, schedule), evaluations excluded.</param>
/// <param name="Trajectory">Copies of the weights along the way, from before the first step to after the last.</param>
/// <param name="ResumedAtStep">The step a checkpoint resumed the run from; null for a run from the start.</param>
public sealed record TrainingRun(
    RaceEntry Entry,
    string Architecture,
    IReadOnlyList<double> StepLosses,
    IReadOnlyList<double> LearningRates,
    IReadOnlyList<EvaluationPoint> Evaluations,
    Evaluation Final,
    Evaluation FinalTest,
    int? StepsToTarget,
    int? DivergedAtStep,
    TimeSpan TrainingTime,
    IReadOnlyList<TrajectoryPoint> Trajectory,
    int? ResumedAtStep)
{
    /// <summary>Optimizer steps taken.</summary>
    public int Steps => StepLosses.Count;

    public bool Diverged => DivergedAtStep is not null;
}

/// <summary>Several optimizers trained alike on one data set.</summary>
public sealed record TrainingComparison(Data.DataSplit Data, TrainSettings Settings, IReadOnlyList<TrainingRun> Runs);
