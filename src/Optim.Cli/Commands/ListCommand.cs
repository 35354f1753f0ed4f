using System.CommandLine;
using System.Linq;
using ScratchOptim.Cli.Explain;
using ScratchOptim.Optimizers;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim list</c>: every optimizer of the library in one table.</summary>
public static class ListCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("list",
            "List every optimizer in the library, in order of invention: year, family, state memory per parameter, " +
            "hyperparameters with their defaults and the PyTorch class it reproduces.");
        command.SetAction(_ =>
        {
            OptimizerList.Write(console, Catalog.All.Select(entry => entry.Info));
            return ExitCodes.Success;
        });
        return command;
    }
}
