using System.IO;
using ScratchOptim.Cli.Commands;
using Spectre.Console;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>Runs the <c>optim</c> command line in-process and captures what it writes.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static Outcome Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        // Wide enough that no table cell wraps, so tests can look for whole values.
        console.Profile.Width = 400;
        int exitCode = OptimCli.Run(args, console, error);
        return new Outcome(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Asserts the run was refused as bad input: a non-zero exit, nothing on the output, one line on the error writer.</summary>
    public static string AssertOneLineError(Outcome outcome)
    {
        Assert.NotEqual(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Output);
        string line = outcome.Error.TrimEnd('\r', '\n');
        Assert.NotEqual("", line);
        Assert.DoesNotContain('\n', line);
        return line;
    }
}
