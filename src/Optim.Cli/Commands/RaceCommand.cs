using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Assemblies;
using ScratchOptim.Cli.Race;
using ScratchOptim.Cli.Race.Plots;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim race</c>: optimizers race on loss landscapes; one table per landscape.</summary>
public static class RaceCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var landscapes = new Option<ILandscape[]>("--landscape", "-l")
        {
            Description = $"Landscapes to race on: {string.Join(", ", LandscapeCatalog.All.Select(Described))}. Default: least-squares and beale. " +
                "On a matrix landscape the racers move a matrix, so the matrix optimizers (Muon, SOAP) do their matrix work, and Muon, " +
                "which takes matrices only, can race; its paths picture projects the matrices, each read row by row, on the two directions the paths spread most in.",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = RaceArguments.Landscapes,
        };
        var racers = new Option<RacerRequest[]>("--optimizer", "-o")
        {
            Description = $"Optimizers to race, NAME or NAME:lr: {string.Join(", ", RacerCatalog.Names)}, or one of --assembly. " +
                $"Default: {string.Join(", ", DefaultRace.Lineup.Select(entry => entry.Racer.Label))} at tuned learning rates, and the optimizers of --assembly.",
            HelpName = "NAME[:lr]",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = RaceArguments.Racers,
        };
        var field = new Option<IReadOnlyList<RacerSelection>>("--field")
        {
            Description = $"A line-up instead of --optimizer: {string.Join(", ", RaceFields.Names)} (Adam and its successors: " +
                $"{string.Join(", ", ModernField.Racers.Skip(1))}). Default: classic.",
            HelpName = "NAME",
            CustomParser = RaceFields.Parse,
        };
        var steps = new Option<int?>("--steps", "-n")
        {
            Description = $"Steps per optimizer, at most {RaceSettings.MaxSteps:N0}. Default: each landscape's own (1000 for least-squares, 2000 for beale).",
            HelpName = "N",
            CustomParser = RaceArguments.Steps,
        };
        var start = new Option<double[]>("--start")
        {
            Description = $"Start position, e.g. -1,1.5 (a matrix row by row), each coordinate within ±{RaceSettings.MaxStartCoordinate:0e0}. Default: each landscape's own.",
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

        var plots = new Option<DirectoryInfo>("--plots")
        {
            Description = $"Write two PNG pictures per landscape to DIR: <landscape>-paths.png (the paths over a map of the loss) " +
                $"and <landscape>-loss.png (loss per step, log scale). Default: {DefaultPlotDirectory} in the current directory.",
            HelpName = "DIR",
        };
        var noPlots = new Option<bool>("--no-plots")
        {
            Description = "Only print the tables; write no pictures.",
        };

        var assemblies = AssemblyOption.Create();

        var command = new Command("race",
            "Race optimizers on loss landscapes and compare where they end up: a table per landscape, and pictures of the " +
            $"paths and loss curves (in ./{DefaultPlotDirectory} unless --plots or --no-plots says otherwise).")
        {
            landscapes, racers, field, steps, start, clip, plots, noPlots, assemblies,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(field) is not null && result.GetResult(racers) is not null)
                result.AddError("--field and --optimizer both choose the racers; give one.");
            if (result.GetResult(plots) is not null && result.GetValue(noPlots))
                result.AddError("--plots and --no-plots contradict each other; give one.");
        });
        command.SetAction(parseResult => Run(
            console,
            parseResult.GetValue(landscapes) is { Length: > 0 } chosenLandscapes ? chosenLandscapes : DefaultRace.Landscapes,
            Lineup(parseResult.GetValue(racers) ?? [], parseResult.GetValue(field), AssemblyOption.Own(parseResult, assemblies)),
            parseResult.GetValue(steps),
            parseResult.GetValue(start) is { Length: > 0 } chosenStart ? chosenStart : null, // an absent array option reads as empty
            parseResult.GetValue(clip),
            parseResult.GetValue(noPlots) ? null : parseResult.GetValue(plots) ?? new DirectoryInfo(DefaultPlotDirectory)));
        return command;
    }

    /// <summary>A landscape's name for the help, with its shape when its position is a matrix.</summary>
    private static string Described(ILandscape landscape) =>
        landscape.Shape.Count == 1 ? landscape.Name : $"{landscape.Name} ({string.Join("×", landscape.Shape)} matrix)";

    /// <summary>Where the pictures go when no <c>--plots</c> is given, relative to the current directory.</summary>
    public const string DefaultPlotDirectory = "race-plots";

    private static int Run(
        IAnsiConsole console, IReadOnlyList<ILandscape> landscapes, IReadOnlyList<RacerSelection> lineup, int? steps, double[]? start,
        double? clip, DirectoryInfo? plots)
    {
        // Check every racer and every landscape against the options, and make the plot directory, before racing on any.
        foreach (var landscape in landscapes)
        {
            foreach (var selection in lineup)
            {
                if (selection.Refusal(landscape) is { } reason) throw new InvalidInputException(reason);
            }
        }
        var plans = landscapes.Select(landscape => (landscape, Settings: Plan(landscape, steps, start, clip))).ToArray();
        if (plots is not null) Guard(plots, () => plots.Create());
        var written = new List<string>();
        foreach (var (landscape, settings) in plans)
        {
            var race = Race(landscape, lineup, settings);
            RaceTable.Write(console, race);
            if (plots is not null) Guard(plots, () => written.AddRange(RacePlots.Write(race, plots.FullName)));
        }
        if (written.Count > 0)
        {
            console.WriteLine("Pictures:");
            foreach (string path in written) console.WriteLine("  " + path);
        }
        return ExitCodes.Success;
    }

    private static void Guard(DirectoryInfo directory, Action write)
    {
        try
        {
            write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{directory.FullName}: cannot write the pictures: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// The racers asked for, found among the built-ins and <paramref name="own"/>; without any, the chosen
    /// <paramref name="field"/> (by default the classic lineup) and every one of <paramref name="own"/>.
    /// </summary>
    private static IReadOnlyList<RacerSelection> Lineup(RacerRequest[] requests, IReadOnlyList<RacerSelection>? field, IReadOnlyList<OptimizerEntry> own)
    {
        if (requests.Length == 0) return [.. field ?? DefaultRace.Lineup, .. own.Select(entry => new RacerSelection(new Racer(entry.Info.Name, entry, []), null))];
        var optimizers = OptimizerAssembly.WithBuiltIns(own);
        return [.. requests.Select(request => request.Resolve(optimizers))];
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
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // An optimizer rejected a setting, e.g. a learning rate outside its range, or its step cannot run here.
            throw new InvalidInputException(exception.Message, exception);
        }
    }
}
