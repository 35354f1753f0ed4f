using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Cli.Commands;

/// <summary>A racer as written on the command line: <c>NAME</c> or <c>NAME:lr</c>.</summary>
public sealed record RacerRequest(string Name, double? LearningRate)
{
    /// <summary>The racer among <paramref name="optimizers"/> with the learning rate asked for.</summary>
    /// <exception cref="InvalidInputException">No racer has that name.</exception>
    public RacerSelection Resolve(IReadOnlyList<OptimizerEntry> optimizers) =>
        RacerCatalog.Find(Name, optimizers) is { } racer
            ? new RacerSelection(racer, LearningRate)
            : throw new InvalidInputException($"Unknown optimizer '{Name}'; choose from {string.Join(", ", RacerCatalog.NamesAmong(optimizers))}.");
}

/// <summary>Parsers for the race's option values; each reports bad input as a parse error naming the option.</summary>
public static class RaceArguments
{
    public static ILandscape[] Landscapes(ArgumentResult result) =>
        [.. result.Tokens.Select(token => LandscapeCatalog.Find(token.Value) ?? Error<ILandscape>(result,
            $"Unknown landscape '{token.Value}'; choose from {string.Join(", ", LandscapeCatalog.Names)}."))];

    /// <summary>Parses <c>NAME</c> or <c>NAME:lr</c>; the name is looked up once the optimizers of --assembly are loaded.</summary>
    public static RacerRequest[] Racers(ArgumentResult result) =>
        [.. result.Tokens.Select(token => Racer(result, token.Value))];

    /// <summary>Parses comma-separated coordinates, e.g. <c>-1,1.5</c>.</summary>
    public static double[] Position(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        var coordinates = text.Split(',');
        var position = new double[coordinates.Length];
        for (int i = 0; i < coordinates.Length; i++)
        {
            if (!TryParseFinite(coordinates[i], out position[i]))
                return Error<double[]>(result, $"{OptionName(result)} '{text}': '{coordinates[i]}' is not a number; write coordinates as x,y.");
            if (Math.Abs(position[i]) > RaceSettings.MaxStartCoordinate)
                return Error<double[]>(result,
                    $"{OptionName(result)} '{text}': {coordinates[i]} is outside ±{RaceSettings.MaxStartCoordinate:0e0}, the range of a start coordinate.");
        }
        return position;
    }

    /// <summary>Parses a whole number from 1 to <see cref="RaceSettings.MaxSteps"/>.</summary>
    public static int? Steps(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        if (text.Length == 0 || !text.All(char.IsAsciiDigit) || text.All(digit => digit == '0'))
            return Error<int?>(result, $"{OptionName(result)} '{text}' is not a positive whole number.");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value <= RaceSettings.MaxSteps
            ? value
            : Error<int?>(result, $"{OptionName(result)} {text} is more than {RaceSettings.MaxSteps:N0}, the most steps a race runs (it keeps every position for the table and the pictures).");
    }

    public static double? PositiveNumber(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        return TryParseFinite(text, out double value) && value > 0
            ? value
            : Error<double?>(result, $"{OptionName(result)} '{text}' is not a positive number.");
    }

    private static RacerRequest Racer(ArgumentResult result, string text)
    {
        int colon = text.LastIndexOf(':');
        string name = colon < 0 ? text : text[..colon];
        double? learningRate = null;
        if (colon >= 0)
        {
            string rate = text[(colon + 1)..];
            if (!TryParseFinite(rate, out double value) || value <= 0)
                return Error<RacerRequest>(result, $"{OptionName(result)} '{text}': the learning rate '{rate}' is not a positive number.");
            learningRate = value;
        }
        return new RacerRequest(name, learningRate);
    }

    private static bool TryParseFinite(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;

    /// <summary>Records a parse error; the value returned in its place is never used.</summary>
    private static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
