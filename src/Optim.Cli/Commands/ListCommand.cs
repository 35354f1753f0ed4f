using System.CommandLine;
using System.Linq;
using ScratchOptim.Cli.Assemblies;
using ScratchOptim.Cli.Explain;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim list [--assembly DLL]</c>: every optimizer of the library, and of the user's assemblies, in one table.</summary>
public static class ListCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var assemblies = AssemblyOption.Create();
        var command = new Command("list",
            "List every optimizer in the library, in order of invention: year, family, state memory per parameter, " +
            "hyperparameters with their defaults and the PyTorch class it reproduces.")
        {
            assemblies,
        };
        command.SetAction(parseResult =>
        {
            var own = (parseResult.GetValue(assemblies) ?? []).Select(file => (file.Name, Optimizers: OptimizerAssembly.Load(file))).ToArray();
            OptimizerList.Write(console, OptimizerAssembly.WithBuiltIns([.. own.SelectMany(assembly => assembly.Optimizers)]).Select(entry => entry.Info));
            foreach (var (name, optimizers) in own)
                console.WriteLine($"From {name}: {string.Join(", ", optimizers.Select(entry => entry.Info.Name))}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
