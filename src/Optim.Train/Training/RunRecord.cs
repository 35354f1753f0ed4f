using System;
using System.Collections.Generic;

namespace ScratchOptim.Train.Training;

/// <summary>A run in progress: everything besides the model and the optimizer that a checkpoint keeps.</summary>
internal sealed class RunRecord(IReadOnlyList<KeyValuePair<string, string>> description)
{
    /// <summary>What defines the run (optimizer, learning rate, data, network, batch, seed, …): a checkpoint resumes only the run it describes.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Description { get; } = description;

    /// <summary>Epochs completed.</summary>
    public int Epoch { get; set; }

    /// <summary>Optimizer steps taken.</summary>
    public int Step { get; set; }

    public List<double> StepLosses { get; } = [];

    public List<double> LearningRates { get; } = [];

    public List<EvaluationPoint> Evaluations { get; } = [];

    public List<TrajectoryPoint> Trajectory { get; } = [];

    public int? StepsToTarget { get; set; }

    public int? DivergedAtStep { get; set; }

    public TimeSpan TrainingTime { get; set; }
}
