using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Docs;
using ScratchOptim.Optimizers;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim docs --out DIR</c>: writes the generated documentation of every optimizer as DIR/optimizers.md.</summary>
public static class DocsCommand
{
    public const string FileName = "optimizers.md";

    public static Command Create(IAnsiConsole console)
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = $"The directory to write {FileName} to (created if missing). The repository's copy is docs/{FileName}.",
            HelpName = "DIR",
            Required = true,
        };
        var command = new Command("docs",
            $"Write {FileName}: a summary table of every optimizer and one section each with its equations, hyperparameters, " +
            "state and hoisted values, all from the generated documentation.")
        {
            output,
        };
        command.SetAction(parseResult => Run(console, parseResult.GetRequiredValue(output)));
        return command;
    }

    private static int Run(IAnsiConsole console, DirectoryInfo output)
    {
        string markdown = OptimizerMarkdown.Render(Catalog.All.Select(entry => entry.Info));
        string path = Path.Combine(output.FullName, FileName);
        try
        {
            output.Create();
            File.WriteAllText(path, markdown);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot write: {exception.Message}", exception);
        }
        console.WriteLine($"Wrote {path} ({Catalog.All.Count} optimizers).");
        return ExitCodes.Success;
    }
}
