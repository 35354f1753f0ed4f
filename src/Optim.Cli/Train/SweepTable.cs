using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Cli.Race;
using ScratchOptim.Train.Training;
using Spectre.Console;

namespace ScratchOptim.Cli.Train;

/// <summary>
/// Shows a learning-rate sweep: one row per rate, one column per optimizer (a sweep has more rates than optimizers,
/// so it stays narrow), the final training loss in each cell; then each optimizer's best rate and its test accuracy.
/// </summary>
public static class SweepTable
{
    public static void Write(IAnsiConsole console, SweepResult sweep)
    {
        console.MarkupLineInterpolated($"[bold]{ConsoleText.Printable(sweep.Data.Name)}[/]: {ConsoleText.Printable(sweep.Data.Description)}");
        console.WriteLine($"Learning-rate sweep: {TrainTable.Setup(new TrainingComparison(sweep.Data, sweep.Settings, []))}");

        var table = new Table().AddColumn(new TableColumn("lr").RightAligned());
        foreach (var curve in sweep.Curves) table.AddColumn(new TableColumn(Markup.Escape(curve.Racer.Label)).RightAligned());
        for (int i = 0; i < sweep.LearningRates.Count; i++)
        {
            var cells = sweep.Curves.Select(curve => curve.Points[i]).Select(point =>
                point.DivergedAtStep is null && double.IsFinite(point.Final.Loss) ? RaceTable.Number(point.Final.Loss, 3) : "∞");
            table.AddRow([new Text(RaceTable.Number(sweep.LearningRates[i])), .. cells.Select(cell => new Text(cell))]);
        }
        table.AddEmptyRow();
        table.AddRow([new Text("best lr"), .. sweep.Curves.Select(curve => new Text(curve.Best is { } best ? RaceTable.Number(best.LearningRate) : "—"))]);
        table.AddRow([new Text("its test accuracy"), .. sweep.Curves.Select(curve => new Text(curve.Best is { } best ? TrainTable.Percent(best.FinalTest.Accuracy, 2) : "—"))]);
        table.Caption(new TableTitle(Markup.Escape(
            "each cell: the loss over all training examples after the last step (∞: the loss overflowed and the run stopped); " +
            "best: the rate with the lowest of them")));
        console.Write(table);
        console.WriteLine();
    }
}
