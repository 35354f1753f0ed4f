using System;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary>Entry point of the <c>optim</c> tool.</summary>
public static class Program
{
    public static int Main(string[] args) => OptimCli.Run(args, CreateConsole(Console.IsOutputRedirected), Console.Error);

    /// <summary>
    /// The width tables are laid out in when the output is not a terminal: wide enough that no table of this tool
    /// wraps, so a pipe or a file gets every value on one line.
    /// </summary>
    public const int RedirectedWidth = 100_000;

    /// <summary>The console on standard output: a terminal's own width, or <see cref="RedirectedWidth"/> when redirected.</summary>
    public static IAnsiConsole CreateConsole(bool redirected)
    {
        var console = AnsiConsole.Console;
        if (redirected) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
