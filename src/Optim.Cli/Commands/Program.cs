using System;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary>Entry point of the <c>optim</c> tool.</summary>
public static class Program
{
    public static int Main(string[] args) => OptimCli.Run(args, AnsiConsole.Console, Console.Error);
}
