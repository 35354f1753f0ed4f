using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Replay;
using Spectre.Console;

namespace ScratchOptim.Cli.Replay;

/// <summary>
/// Shows replay results as a table, one row per case with the PyTorch arithmetic it reproduced, then a summary per
/// PyTorch version and a one-line total; text from the case files is shown <see cref="ConsoleText.Printable"/>.
/// </summary>
public static class ReplayTable
{
    public static void Write(IAnsiConsole console, IReadOnlyCollection<ReplayResult> results)
    {
        var table = new Table().AddColumns("case", "optimizer", "reproduces", "status", "message");
        foreach (var result in results)
        {
            table.AddRow(
                new Text(ConsoleText.Printable(result.Case.Name)),
                new Text(ConsoleText.Printable(result.Case.Optimizer)),
                new Text(result.Reproduced ?? "—"),
                new Markup(Status(result.Status)),
                new Text(ConsoleText.Printable(result.Message)));
        }
        console.Write(table);
        foreach (var version in results.GroupBy(result => result.Reproduced).OrderBy(group => group.Key is null).ThenBy(group => group.Key, System.StringComparer.Ordinal))
            console.WriteLine($"{version.Key ?? "no PyTorch release named"}: {Summary(version.ToList())}");
        console.WriteLine(Summary(results));
    }

    private static string Summary(IReadOnlyCollection<ReplayResult> results) =>
        $"{Count(results, ReplayStatus.Passed)} passed, {Count(results, ReplayStatus.Failed)} failed, {Count(results, ReplayStatus.Skipped)} skipped";

    private static string Status(ReplayStatus status) => status switch
    {
        ReplayStatus.Passed => "[green]passed[/]",
        ReplayStatus.Failed => "[red]failed[/]",
        _ => "[yellow]skipped[/]",
    };

    private static int Count(IEnumerable<ReplayResult> results, ReplayStatus status) => results.Count(result => result.Status == status);
}
