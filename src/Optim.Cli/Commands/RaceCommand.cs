using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using ScratchOptim.Cli.Race;
using ScratchOptim.Cli.Race.Landscapes;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim race</c>: optimizers race on loss landscapes; one table per landscape.</summary>
public static class RaceCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var landscapes = new Option<ILandscape[]>("--landscape", "-l")
        {
            Description = $"Landscapes to race on: {string.Join(", ", LandscapeCatalog.Names)}. Default: least-squares and beale.",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = RaceArguments.Landscapes,
        };
        var racers = new Option<RacerSelection[]>("--optimizer", "-o")
        {
            Description = $"Optimizers to race, NAME or NAME:lr: {string.Join(", ", RacerCatalog.Names)}. Default: SGD, SGD+momentum, Adam, AdamW at tuned learning rates.",
            HelpName = "NAME[:lr]",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = RaceArguments.Racers,
        };
        var steps = new Option<int?>("--steps", "-n")
        {
            Description = "Steps per optimizer. Default: each landscape's own (1000 for least-squares, 2000 for beale).",
            HelpName = "N",
            CustomParser = RaceArguments.PositiveInteger,
        };
        var start = new Option<double[]>("--start")
        {
            Description = "Start position, e.g. -1,1.5. Default: each landscape's own.",
            HelpName = "x,y",
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = RaceArguments.Position,
        };
        var clip = new Option<double?>("--clip")
        {
            Description = "Clip each gradient to this global norm before the step.",
            HelpName = "NORM",
            CustomParser = RaceArguments.PositiveNumber,
        };

        var command = new Command("race", "Race optimizers on loss landscapes and compare where they end up.")
        {
            landscapes, racers, steps, start, clip,
        };
        command.SetAction(parseResult => Run(
            console,
            parseResult.GetValue(landscapes) is { Length: > 0 } chosenLandscapes ? chosenLandscapes : DefaultRace.Landscapes,
            parseResult.GetValue(racers) is { Length: > 0 } chosenRacers ? chosenRacers : DefaultRace.Lineup,
            parseResult.GetValue(steps),
            parseResult.GetValue(start) is { Length: > 0 } chosenStart ? chosenStart : null, // an absent array option reads as empty
            parseResult.GetValue(clip)));
        return command;
    }

    private static int Run(
        IAnsiConsole console, IReadOnlyList<ILandscape> landscapes, IReadOnlyList<RacerSelection> lineup, int? steps, double[]? start, double? clip)
    {
        // Check every landscape against the options before racing on any.
        var plans = landscapes.Select(landscape => (landscape, Settings: Plan(landscape, steps, start, clip))).ToArray();
        foreach (var (landscape, settings) in plans) RaceTable.Write(console, Race(landscape, lineup, settings));
        return ExitCodes.Success;
    }

    private static RaceSettings Plan(ILandscape landscape, int? steps, double[]? start, double? clip)
    {
        if (start is not null && start.Length != landscape.Dimension)
            throw new InvalidInputException($"--start has {start.Length} coordinates; {landscape.Name} needs {landscape.Dimension}.");
        return new RaceSettings(steps ?? landscape.DefaultSteps, start ?? landscape.DefaultStart, clip);
    }

    private static LandscapeRace Race(ILandscape landscape, IReadOnlyList<RacerSelection> lineup, RaceSettings settings)
    {
        try
        {
            var entries = lineup.Select(selection => selection.For(landscape)).ToArray();
            return RaceEngine.Run(landscape, entries, settings);
        }
        catch (ArgumentException exception)
        {
            // An optimizer rejected a setting, e.g. a learning rate outside its range.
            throw new InvalidInputException(exception.Message, exception);
        }
    }
}
