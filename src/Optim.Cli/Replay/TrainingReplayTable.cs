using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Replay;
using Spectre.Console;

namespace ScratchOptim.Cli.Replay;

/// <summary>Shows training replay results as a table, one row per case, and a one-line summary; text from the case files is shown <see cref="ConsoleText.Printable"/>.</summary>
public static class TrainingReplayTable
{
    public static void Write(IAnsiConsole console, IReadOnlyCollection<TrainingReplayResult> results)
    {
        var table = new Table().AddColumns("case", "kind", "status", "message");
        foreach (var result in results)
        {
            string status = result.Status switch
            {
                ReplayStatus.Passed => "[green]passed[/]",
                ReplayStatus.Failed => "[red]failed[/]",
                _ => "[yellow]skipped[/]",
            };
            table.AddRow(new Text(ConsoleText.Printable(result.Case.Name)), new Text(ConsoleText.Printable(result.Case.Subject)), new Markup(status), new Text(ConsoleText.Printable(result.Message)));
        }
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count(r => r.Status == ReplayStatus.Passed)} passed, {results.Count(r => r.Status == ReplayStatus.Failed)} failed, {results.Count(r => r.Status == ReplayStatus.Skipped)} skipped"));
    }
}
