using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Assemblies;
using ScratchOptim.Cli.Train;
using ScratchOptim.Cli.Train.Plots;
using ScratchOptim.Race;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Landscape;
using ScratchOptim.Train.Training;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim train</c>: optimizers train the same network on real handwritten digits, side by side.</summary>
public static class TrainCommand
{
    /// <summary>Where the pictures go when no <c>--plots</c> is given, relative to the current directory.</summary>
    public const string DefaultPlotDirectory = "train-plots";

    /// <summary>A test set larger than this is measured ten times an epoch by default instead of after every step.</summary>
    public const int EveryStepTestLimit = 2000;

    /// <summary>Seconds the first optimizer trains unmeasured before its timed run (see <see cref="Trainer.WarmUp"/>); the others a quarter of it.</summary>
    public const double DefaultWarmUp = 1;

    public static Command Create(IAnsiConsole console)
    {
        var optimizers = new Option<OptimizerRequest[]>("--optimizer", "-o")
        {
            Description = $"Optimizers to train with, NAME or NAME:lr: {string.Join(", ", RacerCatalog.Names)}, or one of --assembly. " +
                "Default: SGD, SGD+momentum, Adam and AdamW, each at the rate where the default --sweep on the digits ends lowest, and the optimizers of --assembly.",
            HelpName = "NAME[:lr]",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = TrainArguments.Optimizers,
        };
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "A directory with MNIST or Fashion-MNIST as distributed (train-images-idx3-ubyte, train-labels-idx1-ubyte, " +
                "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, or the same .gz). Default: the 1,797 handwritten 8×8 digits that ship with optim.",
            HelpName = "DIR",
        };
        var epochs = new Option<int?>("--epochs", "-e")
        {
            Description = "Passes over the training examples. Default: 20.",
            HelpName = "N",
            CustomParser = TrainArguments.Count(TrainSettings.MaxEpochs),
        };
        var batch = new Option<int?>("--batch", "-b")
        {
            Description = "Examples per forward and backward pass. Default: 64.",
            HelpName = "N",
            CustomParser = TrainArguments.Count(TrainSettings.MaxBatchSize),
        };
        var accumulate = new Option<int?>("--accumulate")
        {
            Description = "Sum the gradients of N batches before each optimizer step: a step of N × batch examples, with the large batch's mean gradient. Default: 1.",
            HelpName = "N",
            CustomParser = TrainArguments.Count(TrainSettings.MaxAccumulationSteps),
        };
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Hidden layer widths, e.g. 256,128. Default: 128 (a 64-128-10 network on the digits).",
            HelpName = "W[,W…]",
            CustomParser = TrainArguments.Widths,
        };
        var seed = new Option<ulong?>("--seed")
        {
            Description = "Fixes the initial weights and the order of the examples: the same seed gives the same numbers, bit for bit. Default: 0.",
            HelpName = "N",
            CustomParser = TrainArguments.Seed,
        };
        var schedule = new Option<Schedule?>("--schedule")
        {
            Description = $"How the learning rate changes over the run: {string.Join(", ", TrainArguments.Schedules.Select(s => s.Name))}. Default: constant.",
            HelpName = "NAME",
            CustomParser = result => TrainArguments.ParseSchedule(result),
        };
        var clip = new Option<double?>("--clip")
        {
            Description = "Clip the gradients to this total norm before each step.",
            HelpName = "NORM",
            CustomParser = TrainArguments.PositiveNumber,
        };
        var evaluateEvery = new Option<int?>("--eval-every")
        {
            Description = $"Measure the test accuracy every N steps. Default: every step, or ten times an epoch for test sets of more than {EveryStepTestLimit:N0} examples.",
            HelpName = "N",
            CustomParser = TrainArguments.Count(int.MaxValue),
        };
        var warmUp = new Option<double?>("--warmup")
        {
            Description = $"Train the first optimizer unmeasured for this many seconds before the timed runs, each other one a quarter of it, so that " +
                $"the wall times compare the optimizers rather than .NET compiling their code; 0 for none. Default: {DefaultWarmUp}.",
            HelpName = "SECONDS",
            CustomParser = TrainArguments.Seconds,
        };
        var sweep = new Option<bool>("--sweep")
        {
            Description = "Sweep the learning rate instead: train each optimizer at each rate of --lrs and plot the final loss against the rate.",
        };
        var rates = new Option<double[]>("--lrs")
        {
            Description = $"The learning rates of --sweep. Default: {string.Join(",", LearningRateSweep.DefaultGrid.Select(rate => RaceTable(rate)))}.",
            HelpName = "LR[,LR…]",
            CustomParser = TrainArguments.LearningRates,
        };
        var checkpoint = new Option<DirectoryInfo>("--checkpoint")
        {
            Description = "Save each optimizer's run to DIR/<optimizer>-lr<rate>.safetensors after every epoch (weights, optimizer and schedule state, history).",
            HelpName = "DIR",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the runs saved in --checkpoint DIR where they stopped; a run without a checkpoint there starts from the beginning.",
        };
        var plots = new Option<DirectoryInfo>("--plots")
        {
            Description = $"Write the pictures to DIR: <data>-loss.png, <data>-accuracy.png and <data>-landscape.png (the paths on the loss landscape), " +
                $"or <data>-lr-sweep.png. Default: {DefaultPlotDirectory} in the current directory.",
            HelpName = "DIR",
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Only print the tables; write no pictures." };
        var assemblies = AssemblyOption.Create();

        var command = new Command("train",
            "Train a small network (an MLP) on real handwritten digits with several optimizers side by side, and compare their loss, " +
            $"accuracy and speed: a table, and pictures of the curves and of the paths on the loss landscape (in ./{DefaultPlotDirectory} unless --plots or --no-plots says otherwise).")
        {
            optimizers, data, epochs, batch, accumulate, hidden, seed, schedule, clip, evaluateEvery, warmUp, sweep, rates, checkpoint, resume, plots, noPlots,
            assemblies,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(plots) is not null && result.GetValue(noPlots)) result.AddError("--plots and --no-plots contradict each other; give one.");
            if (result.GetValue(resume) && result.GetResult(checkpoint) is null) result.AddError("--resume needs --checkpoint DIR, the directory the runs were saved in.");
            if (result.GetResult(rates) is not null && !result.GetValue(sweep)) result.AddError("--lrs gives the learning rates of a sweep; add --sweep.");
            if (result.GetValue(sweep) && result.GetResult(checkpoint) is not null) result.AddError("a --sweep is not checkpointed; leave out --checkpoint.");
            if (result.GetValue(sweep) && result.GetResult(warmUp) is not null) result.AddError("a --sweep is not timed; leave out --warmup.");
        });
        command.SetAction(parseResult =>
        {
            var settings = new TrainSettings
            {
                Epochs = parseResult.GetValue(epochs) ?? 20,
                BatchSize = parseResult.GetValue(batch) ?? 64,
                AccumulationSteps = parseResult.GetValue(accumulate) ?? 1,
                HiddenSizes = parseResult.GetValue(hidden) is { Length: > 0 } widths ? widths : [128],
                Seed = parseResult.GetValue(seed) ?? 0,
                Schedule = parseResult.GetValue(schedule) ?? Schedule.Constant,
                ClipNorm = parseResult.GetValue(clip),
                EvaluateEvery = parseResult.GetValue(evaluateEvery),
            };
            var request = new TrainRequest(
                parseResult.GetValue(optimizers) ?? [],
                AssemblyOption.Own(parseResult, assemblies),
                parseResult.GetValue(data),
                settings,
                TimeSpan.FromSeconds(parseResult.GetValue(warmUp) ?? DefaultWarmUp),
                parseResult.GetValue(checkpoint),
                parseResult.GetValue(resume),
                parseResult.GetValue(noPlots) ? null : parseResult.GetValue(plots) ?? new DirectoryInfo(DefaultPlotDirectory));
            return parseResult.GetValue(sweep)
                ? Sweep(console, request, parseResult.GetValue(rates) is { Length: > 0 } grid ? grid : LearningRateSweep.DefaultGrid)
                : Train(console, request);
        });
        return command;
    }

    private sealed record TrainRequest(
        OptimizerRequest[] Optimizers, IReadOnlyList<OptimizerEntry> Own, DirectoryInfo? Data, TrainSettings Settings, TimeSpan WarmUp, DirectoryInfo? Checkpoint, bool Resume, DirectoryInfo? Plots);

    private static int Train(IAnsiConsole console, TrainRequest request)
    {
        var data = Load(request.Data);
        var settings = Complete(request.Settings, data);
        var entries = Lineup(request);
        var checkpoints = CheckpointPaths(entries, request.Checkpoint);
        // Make the directories before training, so a bad path fails in a second, not after the run.
        if (request.Checkpoint is { } checkpointDirectory) Guard(checkpointDirectory, "save the checkpoints", checkpointDirectory.Create);
        if (request.Plots is { } plotDirectory) Guard(plotDirectory, "write the pictures", plotDirectory.Create);
        // Refuse an optimizer setting or a checkpoint of another run now, not after the runs before it.
        for (int i = 0; i < entries.Count; i++)
        {
            var options = checkpoints[i] is { } path ? new CheckpointOptions(path, request.Resume) : null;
            Checked(() => Trainer.Check(data, entries[i], settings, options));
        }

        var runs = new List<TrainingRun>();
        LossLandscape? landscape = null;
        int totalSteps = settings.TotalSteps(data.Train.Count);
        Show(console, context =>
        {
            var tasks = entries.Select(entry => context.AddTask(Markup.Escape($"{entry.Racer.Label} (lr {Race.RaceTable.Number(entry.LearningRate)})"), autoStart: false, maxValue: totalSteps)).ToArray();
            var mapping = request.Plots is null ? null : context.AddTask("loss landscape", autoStart: false, maxValue: 1);
            for (int i = 0; i < entries.Count; i++)
            {
                var task = tasks[i];
                task.StartTask();
                // The first warm-up also compiles the code every run shares (the network, TensorPrimitives); the others only the optimizer's step.
                var warmUp = i == 0 ? request.WarmUp : request.WarmUp / 4;
                if (warmUp > TimeSpan.Zero)
                {
                    string label = task.Description;
                    task.Description = label + " [grey]warming up[/]";
                    Trainer.WarmUp(data, entries[i], settings, warmUp);
                    task.Description = label;
                }
                var options = checkpoints[i] is { } path ? new CheckpointOptions(path, request.Resume) : null;
                runs.Add(Checked(() => Trainer.Run(data, entries[i], settings, (step, _) => task.Value = step, options)));
                task.Value = totalSteps;
                task.StopTask();
            }
            if (mapping is not null)
            {
                mapping.StartTask();
                landscape = LossLandscape.Compute(data, settings, runs);
                mapping.Value = 1;
                mapping.StopTask();
            }
        });

        var comparison = new TrainingComparison(data, settings, runs);
        TrainTable.Write(console, comparison, request.WarmUp);
        if (request.Plots is { } directory)
        {
            IReadOnlyList<string> written = [];
            Guard(directory, "write the pictures", () => written = TrainPlots.Write(comparison, landscape, directory.FullName));
            if (landscape is null) console.WriteLine("No loss landscape: every run diverged.");
            console.WriteLine("Pictures:");
            foreach (string path in written) console.WriteLine("  " + path);
        }
        return ExitCodes.Success;
    }

    private static int Sweep(IAnsiConsole console, TrainRequest request, IReadOnlyList<double> learningRates)
    {
        if (request.Optimizers.FirstOrDefault(optimizer => optimizer.LearningRate is not null) is { } fixedRate)
            throw new InvalidInputException($"--optimizer {fixedRate.Name}:{fixedRate.LearningRate}: a sweep sets the learning rates (--lrs); give the optimizer's name alone.");
        var data = Load(request.Data);
        var settings = Complete(request.Settings, data);
        var racers = Lineup(request).Select(entry => entry.Racer).ToArray();
        if (request.Plots is { } plotDirectory) Guard(plotDirectory, "write the pictures", plotDirectory.Create);
        foreach (var racer in racers)
            foreach (double rate in learningRates) Checked(() => Trainer.Check(data, new RaceEntry(racer, rate), settings));

        SweepResult result = null!;
        Show(console, context =>
        {
            var task = context.AddTask($"{racers.Length} optimizers × {learningRates.Count} learning rates", maxValue: 1);
            result = Checked(() => LearningRateSweep.Run(data, racers, learningRates, settings, (done, total) =>
            {
                task.MaxValue = total;
                task.Value = done;
            }));
            task.StopTask();
        });

        SweepTable.Write(console, result);
        if (request.Plots is { } directory)
        {
            string written = "";
            Guard(directory, "write the pictures", () => written = TrainPlots.Write(result, directory.FullName));
            console.WriteLine("Pictures:");
            console.WriteLine("  " + written);
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// The optimizers asked for, found among the built-ins and those of --assembly; by default the default lineup
    /// (where an optimizer of --assembly named like one replaces it) and then every other one of --assembly.
    /// </summary>
    private static IReadOnlyList<RaceEntry> Lineup(TrainRequest request)
    {
        var optimizers = OptimizerAssembly.WithBuiltIns(request.Own);
        var requests = request.Optimizers.Length > 0
            ? request.Optimizers
            : TrainingLineup.Names.Concat(request.Own.Select(entry => entry.Info.Name))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(name => new OptimizerRequest(name, null));
        return [.. requests.Select(optimizer => optimizer.Resolve(optimizers))];
    }

    /// <summary>The digits, or the IDX data set in <paramref name="directory"/>.</summary>
    private static DataSplit Load(DirectoryInfo? directory)
    {
        if (directory is null) return Digits.Load();
        try
        {
            return IdxDataSet.Load(directory.FullName);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // A missing file (FileNotFoundException) or a corrupt one (InvalidDataException): each says what and where.
            throw new InvalidInputException("--data: " + exception.Message, exception);
        }
    }

    /// <summary>The settings with the data-dependent defaults filled in, checked.</summary>
    private static TrainSettings Complete(TrainSettings settings, DataSplit data)
    {
        int stepsPerEpoch = settings.StepsPerEpoch(data.Train.Count);
        var complete = settings with
        {
            EvaluateEvery = settings.EvaluateEvery ?? (data.Test.Count <= EveryStepTestLimit ? 1 : Math.Max(1, stepsPerEpoch / 10)),
        };
        try
        {
            complete.Validate();
            if (complete.Schedule == Schedule.WarmupCosine && complete.TotalSteps(data.Train.Count) < 2)
                throw new ArgumentException("a warmup and a decay need a run of at least 2 steps.");
        }
        catch (ArgumentException exception)
        {
            throw new InvalidInputException(exception.Message, exception);
        }
        return complete;
    }

    /// <summary>One checkpoint file per run, named after its optimizer and learning rate; null entries without --checkpoint.</summary>
    private static string?[] CheckpointPaths(IReadOnlyList<RaceEntry> entries, DirectoryInfo? directory)
    {
        var names = entries.Select(entry => FileName(entry)).ToArray();
        if (names.GroupBy(name => name).FirstOrDefault(group => group.Count() > 1) is { } twice)
            throw new InvalidInputException($"{twice.Key[..^".safetensors".Length]} is given twice; each optimizer and learning rate trains once.");
        return directory is null ? new string?[entries.Count] : [.. names.Select(name => Path.Combine(directory.FullName, name))];
    }

    private static string FileName(RaceEntry entry)
    {
        string label = string.Concat(entry.Racer.Label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '_' ? c : '_'));
        return $"{label}-lr{Race.RaceTable.Number(entry.LearningRate, 6)}.safetensors";
    }

    /// <summary>Runs <paramref name="work"/> under a progress display (on a terminal; elsewhere without one).</summary>
    private static void Show(IAnsiConsole console, Action<ProgressContext> work) =>
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(work);

    private static void Checked(Action work) => Checked(() =>
    {
        work();
        return true;
    });

    private static T Checked<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ArgumentException exception)
        {
            // An optimizer rejected a setting (e.g. a learning rate outside its range), or has no learning rate.
            throw new InvalidInputException(exception.Message, exception);
        }
        catch (InvalidDataException exception)
        {
            // A checkpoint to resume from is corrupt or belongs to another run.
            throw new InvalidInputException(exception.Message, exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot save the checkpoint: {exception.Message}", exception);
        }
    }

    private static void Guard(DirectoryInfo directory, string what, Action write)
    {
        try
        {
            write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{directory.FullName}: cannot {what}: {exception.Message}", exception);
        }
    }

    private static string RaceTable(double value) => Race.RaceTable.Number(value);
}
