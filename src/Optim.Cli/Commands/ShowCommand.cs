using System.CommandLine;
using System.Linq;
using ScratchOptim.Cli.Assemblies;
using ScratchOptim.Cli.Explain;
using ScratchOptim.Optimizers;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim show NAME [--code] [--assembly DLL]</c>: one optimizer's documentation, or the source generated for it.</summary>
public static class ShowCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var name = new Argument<string>("NAME")
        {
            Description = $"The optimizer, by class name or PyTorch class name, ignoring case: {string.Join(", ", Catalog.All.Select(e => e.Info.Name))}, " +
                "or one of --assembly.",
        };
        var code = new Option<bool>("--code")
        {
            Description = "Print the C# source the generator wrote for the optimizer instead.",
        };
        var assemblies = AssemblyOption.Create();
        var command = new Command("show",
            "Explain one optimizer: summary, paper, lineage, update equations, hyperparameters, state and memory, hoisted values.")
        {
            name,
            code,
            assemblies,
        };
        command.SetAction(parseResult =>
        {
            var optimizers = OptimizerAssembly.WithBuiltIns(AssemblyOption.Own(parseResult, assemblies));
            string text = parseResult.GetRequiredValue(name);
            var entry = Catalog.Find(text, optimizers)
                ?? throw new InvalidInputException($"Unknown optimizer '{text}'; choose from {string.Join(", ", optimizers.Select(e => e.Info.Name))}.");
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
                OptimizerDetails.Write(console, entry.Info, [.. optimizers.Select(e => e.Info)]);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
