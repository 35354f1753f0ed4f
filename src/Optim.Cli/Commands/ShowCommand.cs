using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using ScratchOptim.Cli.Explain;
using ScratchOptim.Optimizers;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim show NAME [--code]</c>: one optimizer's documentation, or the source generated for it.</summary>
public static class ShowCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var name = new Argument<OptimizerEntry>("NAME")
        {
            Description = $"The optimizer, by class name or PyTorch class name, ignoring case: {string.Join(", ", Catalog.All.Select(e => e.Info.Name))}.",
            CustomParser = Find,
        };
        var code = new Option<bool>("--code")
        {
            Description = "Print the C# source the generator wrote for the optimizer instead.",
        };
        var command = new Command("show",
            "Explain one optimizer: summary, paper, lineage, update equations, hyperparameters, state and memory, hoisted values.")
        {
            name,
            code,
        };
        command.SetAction(parseResult =>
        {
            var entry = parseResult.GetRequiredValue(name);
            if (parseResult.GetValue(code))
            {
                // Written as is: through Spectre the lines would be wrapped at the console's width.
                var writer = console.Profile.Out.Writer;
                writer.Write(entry.GeneratedSource);
                if (!entry.GeneratedSource.EndsWith('\n')) writer.WriteLine();
                writer.Flush();
            }
            else
            {
                OptimizerDetails.Write(console, entry.Info, [.. Catalog.All.Select(e => e.Info)]);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static OptimizerEntry Find(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        if (Catalog.Find(text) is { } entry) return entry;
        result.AddError($"Unknown optimizer '{text}'; choose from {string.Join(", ", Catalog.All.Select(e => e.Info.Name))}.");
        return null!;
    }
}
