using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary>
/// The <c>optim</c> command line: its commands, and the rule that bad input ends in one line on the error writer
/// and <see cref="ExitCodes.InvalidInput"/>. Output goes to the console it is given, so tests can capture it.
/// </summary>
public static class OptimCli
{
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console, TextWriter error)
    {
        // A new command is one more file in this folder and one more line here.
        var root = new RootCommand("List, explain, document, verify, race and train with the optimizers of the ScratchOptim library.")
        {
            ListCommand.Create(console),
            ShowCommand.Create(console),
            DocsCommand.Create(console),
            ReplayCommand.Create(console),
            RaceCommand.Create(console),
            TrainCommand.Create(console),
        };

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            string command = parseResult.CommandResult.Command is RootCommand ? "optim" : "optim " + parseResult.CommandResult.Command.Name;
            return Fail(error, $"{string.Join(" ", parseResult.Errors.Select(e => e.Message))} See '{command} --help'.");
        }

        try
        {
            var configuration = new InvocationConfiguration { Output = console.Profile.Out.Writer, Error = error, EnableDefaultExceptionHandler = false };
            return parseResult.Invoke(configuration);
        }
        catch (InvalidInputException exception)
        {
            return Fail(error, exception.InnerException is System.ArgumentException argument && exception.Message == argument.Message
                ? ExceptionText.Reason(argument)
                : exception.Message);
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine("optim: " + ConsoleText.Printable(message.ReplaceLineEndings(" ")));
        return ExitCodes.InvalidInput;
    }
}
