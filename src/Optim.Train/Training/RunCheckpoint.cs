using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScratchOptim.Race;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Model;
using ScratchOptim.Training;

namespace ScratchOptim.Train.Training;

/// <summary>
/// A training run saved after an epoch, to resume it: one safetensors file (written with <see cref="AtomicFile"/>,
/// so the previous checkpoint survives a failed save) holding the weights (<c>model.fc1.weight</c>, …, as PyTorch
/// names a state_dict), the run's history and trajectory, and as metadata the optimizer's state
/// (<see cref="Optimizer.SaveState(System.IO.Stream)"/>), the scheduler's <c>state_dict</c> and what defines the run.
/// This is the one place that knows the format: when ScratchOptim.Training's own checkpoint class arrives, it
/// replaces the bodies of <see cref="Save"/> and <see cref="Load"/>.
/// </summary>
internal static class RunCheckpoint
{
    public const string Format = "scratchoptim-train-checkpoint/1";

    private const string RunPrefix = "run.";

    /// <summary>What defines a run: a checkpoint resumes only a run with the same description.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Describe(DataSplit data, RaceEntry entry, TrainSettings settings, Mlp<float> model)
    {
        var facts = new List<KeyValuePair<string, string>>
        {
            new("optimizer", entry.Racer.Label),
            new("optimizer class", entry.Racer.Optimizer.Info.Name),
            new("optimizer settings", string.Join(", ", entry.Racer.Settings.Select(setting => $"{setting.Key}={Text(setting.Value)}"))),
            new("learning rate", Text(entry.LearningRate)),
            new("data", $"{data.Name}: {data.Train.Count} training and {data.Test.Count} test examples of {data.FeatureCount} features"),
            new("network", model.Architecture),
            new("batch size", Text(settings.BatchSize)),
            new("accumulation", Text(settings.AccumulationSteps)),
            new("seed", Text(settings.Seed)),
            new("schedule", settings.Schedule.ToString()),
            new("clipping", settings.ClipNorm is { } norm ? Text(norm) : "none"),
            new("evaluation interval", settings.EvaluateEvery is { } every ? Text(every) : "end only"),
            new("target accuracy", Text(settings.TargetAccuracy)),
            new("trajectory points", Text(settings.TrajectoryPoints)),
        };
        // A constant rate lets a finished run go on for more epochs; a schedule is laid out over the whole run.
        if (settings.Schedule != Schedule.Constant) facts.Add(new("epochs", Text(settings.Epochs)));
        return facts;
    }

    public static void Save(string path, RunRecord run, int completedEpochs, Mlp<float> model, Optimizer optimizer, LRScheduler? scheduler)
    {
        var writer = new SafeTensorsWriter();
        foreach (var parameter in model.Parameters)
            writer.Add<float>("model." + parameter.Name, parameter.Data, [.. parameter.Shape.Select(dimension => (long)dimension)]);
        writer.Add<double>("history.step_loss", run.StepLosses.ToArray());
        writer.Add<double>("history.lr", run.LearningRates.ToArray());
        writer.Add<long>("history.eval_step", run.Evaluations.Select(point => (long)point.Step).ToArray());
        writer.Add<double>("history.eval_loss", run.Evaluations.Select(point => point.TestLoss).ToArray());
        writer.Add<double>("history.eval_accuracy", run.Evaluations.Select(point => point.TestAccuracy).ToArray());
        writer.Add<long>("trajectory.step", run.Trajectory.Select(point => (long)point.Step).ToArray());
        var weights = new float[run.Trajectory.Count * model.ParameterCount];
        for (int i = 0; i < run.Trajectory.Count; i++) run.Trajectory[i].Weights.CopyTo(weights, i * model.ParameterCount);
        writer.Add<float>("trajectory.weights", weights, [run.Trajectory.Count, model.ParameterCount]);

        var metadata = writer.Metadata;
        metadata["format"] = Format;
        foreach (var (key, value) in run.Description) metadata[RunPrefix + key] = value;
        metadata["epochs done"] = Text(completedEpochs);
        metadata["steps"] = Text(run.Step);
        metadata["steps to target"] = run.StepsToTarget is { } steps ? Text(steps) : "";
        metadata["training time ticks"] = Text(run.TrainingTime.Ticks);
        using (var state = new MemoryStream())
        {
            optimizer.SaveState(state);
            metadata["optimizer state"] = Encoding.UTF8.GetString(state.ToArray());
        }
        if (scheduler is not null) metadata["scheduler state"] = scheduler.StateDict().ToJsonString();
        writer.Save(path);
    }

    /// <summary>
    /// Restores the run saved at <paramref name="path"/> into <paramref name="model"/>, <paramref name="optimizer"/> and
    /// <paramref name="scheduler"/>, all made for the run <paramref name="description"/> describes; returns its record.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this run, or something in it is corrupt; the message says what.</exception>
    public static RunRecord Load(string path, IReadOnlyList<KeyValuePair<string, string>> description, Mlp<float> model, Optimizer optimizer, LRScheduler? scheduler)
    {
        using var file = SafeTensorsFile.Open(path);
        var metadata = file.Metadata;
        if (metadata.GetValueOrDefault("format") != Format)
            throw Corrupt(path, $"it is not a checkpoint of optim train (its format is '{metadata.GetValueOrDefault("format") ?? "missing"}', not '{Format}')");
        foreach (var (key, value) in description)
        {
            string saved = metadata.GetValueOrDefault(RunPrefix + key) ?? "missing";
            if (saved != value) throw Corrupt(path, $"it belongs to another run: its {key} is '{saved}', this run's is '{value}'");
        }

        // Read and check everything first; change the model, optimizer and scheduler only when all of it fits.
        var weights = model.Parameters.Select(parameter => Read<float>(file, path, "model." + parameter.Name, parameter.Length)).ToArray();
        var run = new RunRecord(description)
        {
            Epoch = Integer(path, metadata, "epochs done"),
            Step = Integer(path, metadata, "steps"),
            StepsToTarget = metadata.GetValueOrDefault("steps to target") is { Length: > 0 } ? Integer(path, metadata, "steps to target") : null,
            TrainingTime = TimeSpan.FromTicks(Long(path, metadata, "training time ticks")),
        };
        run.StepLosses.AddRange(Read<double>(file, path, "history.step_loss", run.Step));
        run.LearningRates.AddRange(Read<double>(file, path, "history.lr", run.Step));
        var evalSteps = Read<long>(file, path, "history.eval_step", null);
        var evalLosses = Read<double>(file, path, "history.eval_loss", evalSteps.Length);
        var evalAccuracies = Read<double>(file, path, "history.eval_accuracy", evalSteps.Length);
        for (int i = 0; i < evalSteps.Length; i++)
            run.Evaluations.Add(new EvaluationPoint(StepAt(path, "history.eval_step", evalSteps[i], run.Step), evalLosses[i], evalAccuracies[i]));
        var trajectorySteps = Read<long>(file, path, "trajectory.step", null);
        var trajectory = Read<float>(file, path, "trajectory.weights", trajectorySteps.Length * (long)model.ParameterCount);
        for (int i = 0; i < trajectorySteps.Length; i++)
            run.Trajectory.Add(new TrajectoryPoint(StepAt(path, "trajectory.step", trajectorySteps[i], run.Step), trajectory.AsSpan(i * model.ParameterCount, model.ParameterCount).ToArray()));

        string optimizerState = metadata.GetValueOrDefault("optimizer state") ?? throw Corrupt(path, "it has no optimizer state");
        JsonObject? schedulerState = null;
        if (scheduler is not null)
        {
            string text = metadata.GetValueOrDefault("scheduler state") ?? throw Corrupt(path, "it has no scheduler state");
            try
            {
                schedulerState = JsonNode.Parse(text) as JsonObject ?? throw Corrupt(path, "its scheduler state is not a JSON object");
            }
            catch (JsonException exception)
            {
                throw Corrupt(path, $"its scheduler state is not JSON: {exception.Message}");
            }
        }

        try
        {
            optimizer.LoadState(new MemoryStream(Encoding.UTF8.GetBytes(optimizerState)));
            scheduler?.LoadStateDict(schedulerState!);
        }
        catch (InvalidDataException exception)
        {
            throw Corrupt(path, exception.Message);
        }
        for (int i = 0; i < weights.Length; i++) weights[i].CopyTo(model.Parameters[i].Data);
        return run;
    }

    private static T[] Read<T>(SafeTensorsFile file, string path, string name, long? expectedLength)
        where T : unmanaged
    {
        var info = file.Find(name) ?? throw Corrupt(path, $"it has no tensor '{name}'");
        if (expectedLength is { } expected && info.ElementCount != expected)
            throw Corrupt(path, $"tensor '{name}' has {info.ElementCount} values; this run needs {expected}");
        return file.ReadArray<T>(name);
    }

    private static int StepAt(string path, string tensor, long step, int steps) =>
        step >= 0 && step <= steps ? (int)step : throw Corrupt(path, $"'{tensor}' names step {step}, outside the run's 0 to {steps}");

    private static int Integer(string path, IReadOnlyDictionary<string, string> metadata, string key)
    {
        long value = Long(path, metadata, key);
        return value <= int.MaxValue ? (int)value : throw Corrupt(path, $"'{key}' is {value}, more than a run counts");
    }

    private static long Long(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        long.TryParse(metadata.GetValueOrDefault(key), NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Corrupt(path, $"'{key}' is '{metadata.GetValueOrDefault(key) ?? "missing"}', not a whole number of at least 0");

    private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static InvalidDataException Corrupt(string path, string what) => new($"{path}: cannot resume from this checkpoint: {what}.");
}
