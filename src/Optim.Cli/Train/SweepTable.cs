using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Cli.Race;
using ScratchOptim.Train.Training;
using Spectre.Console;

namespace ScratchOptim.Cli.Train;

/// <summary>Shows a learning-rate sweep: one row per optimizer, one column per rate, the final training loss in each cell.</summary>
public static class SweepTable
{
    public static void Write(IAnsiConsole console, SweepResult sweep)
    {
        console.MarkupLineInterpolated($"[bold]{sweep.Data.Name}[/]: {sweep.Data.Description}");
        console.WriteLine($"Learning-rate sweep: {TrainTable.Setup(new TrainingComparison(sweep.Data, sweep.Settings, []))}");

        var table = new Table().AddColumn("optimizer");
        foreach (double rate in sweep.LearningRates) table.AddColumn(new TableColumn("lr " + RaceTable.Number(rate)).RightAligned());
        table.AddColumn(new TableColumn("best lr").RightAligned());
        table.AddColumn(new TableColumn("its test accuracy").RightAligned());
        foreach (var curve in sweep.Curves) table.AddRow(Row(curve).Select(cell => new Text(cell)));
        table.Caption(new TableTitle(Markup.Escape(
            "each cell: the loss over all training examples after the last step (∞: the loss overflowed and the run stopped); " +
            "best: the lowest of them")));
        console.Write(table);
        console.WriteLine();
    }

    private static IEnumerable<string> Row(SweepCurve curve)
    {
        yield return curve.Racer.Label;
        foreach (var point in curve.Points)
            yield return point.DivergedAtStep is null && double.IsFinite(point.Final.Loss) ? RaceTable.Number(point.Final.Loss, 3) : "∞";
        yield return curve.Best is { } best ? RaceTable.Number(best.LearningRate) : "—";
        yield return curve.Best is { } chosen ? TrainTable.Percent(chosen.FinalTest.Accuracy, 2) : "—";
    }
}
