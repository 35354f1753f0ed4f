using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Cli.Race;
using ScratchOptim.Train.Training;
using Spectre.Console;

namespace ScratchOptim.Cli.Train;

/// <summary>Shows a training comparison as a heading and a table, one row per optimizer.</summary>
public static class TrainTable
{
    private const string None = "—";

    /// <param name="warmUp">How long the first optimizer trained unmeasured before the timed runs (the others a quarter of it).</param>
    public static void Write(IAnsiConsole console, TrainingComparison comparison, TimeSpan warmUp)
    {
        var settings = comparison.Settings;
        var data = comparison.Data;
        console.MarkupLineInterpolated($"[bold]{ConsoleText.Printable(data.Name)}[/]: {ConsoleText.Printable(data.Description)}");
        console.WriteLine(Setup(comparison));

        string target = Percent(settings.TargetAccuracy, 0);
        var table = new Table()
            .AddColumn(new TableColumn("optimizer").NoWrap())
            .AddColumn(new TableColumn("lr").RightAligned().NoWrap())
            .AddColumn(new TableColumn("final train loss").RightAligned())
            .AddColumn(new TableColumn("train accuracy").RightAligned())
            .AddColumn(new TableColumn("test accuracy").RightAligned())
            .AddColumn(new TableColumn($"steps to {target} test accuracy").RightAligned())
            .AddColumn(new TableColumn("wall time").RightAligned());
        foreach (var run in comparison.Runs) table.AddRow(Row(run).Select(cell => new Text(cell)));
        table.Caption(new TableTitle(Markup.Escape(Caption(comparison, warmUp))));
        console.Write(table);
        console.WriteLine();
    }

    /// <summary>The network, the length of the run and how it was set up.</summary>
    public static string Setup(TrainingComparison comparison)
    {
        var settings = comparison.Settings;
        var run = comparison.Runs.FirstOrDefault();
        int stepsPerEpoch = settings.StepsPerEpoch(comparison.Data.Train.Count);
        var parts = new List<string>
        {
            run?.Architecture ?? string.Join("-", settings.LayerSizes(comparison.Data.FeatureCount, comparison.Data.ClassCount)) + " MLP",
            $"{settings.Epochs} epochs of {stepsPerEpoch} steps",
            settings.AccumulationSteps == 1
                ? $"batch {settings.BatchSize}"
                : $"batch {settings.ExamplesPerStep} ({settings.AccumulationSteps} accumulated micro-batches of {settings.BatchSize})",
            $"seed {settings.Seed}",
            ScheduleText(settings.Schedule),
        };
        if (settings.ClipNorm is { } clip) parts.Add($"gradients clipped to norm {RaceTable.Number(clip)}");
        return string.Join("; ", parts);
    }

    public static string ScheduleText(Schedule schedule) => schedule switch
    {
        Schedule.Cosine => "cosine schedule to 0",
        Schedule.WarmupCosine => "linear warmup (5 % of the steps), then cosine to 0",
        _ => "constant learning rate",
    };

    private static IEnumerable<string> Row(TrainingRun run)
    {
        yield return run.Entry.Racer.Label;
        yield return RaceTable.Number(run.Entry.LearningRate);
        if (run.DivergedAtStep is { } step)
        {
            yield return $"diverged at step {step}";
            yield return None;
            yield return None;
        }
        else
        {
            yield return RaceTable.Number(run.Final.Loss, 4);
            yield return Percent(run.Final.Accuracy, 2);
            yield return Percent(run.FinalTest.Accuracy, 2);
        }
        yield return run.StepsToTarget?.ToString(CultureInfo.InvariantCulture) ?? None;
        yield return Seconds(run.TrainingTime) + (run.ResumedAtStep is { } resumed ? $" (resumed at step {resumed})" : "");
    }

    private static string Caption(TrainingComparison comparison, TimeSpan warmUp)
    {
        var settings = comparison.Settings;
        string every = settings.EvaluateEvery switch
        {
            1 => "after every step",
            { } steps => $"every {steps} steps",
            null => "after the last step",
        };
        return $"train loss and accuracy over all {comparison.Data.Train.Count} training examples after the last step; " +
            $"test accuracy on the {comparison.Data.Test.Count} test examples, measured {every}; " +
            "wall time of the steps alone (forward, backward, optimizer), measurements excluded" +
            (warmUp > TimeSpan.Zero ? $", after each optimizer trained unmeasured to warm up (the first for {Seconds(warmUp)})" : ", with no warm-up");
    }

    internal static string Percent(double fraction, int decimals) =>
        (100 * fraction).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %";

    internal static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
