using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;
using ScratchOptim.Race;
using ScratchOptim.Train.Training;

namespace ScratchOptim.Cli.Commands;

/// <summary>An optimizer as written after <c>optim train -o</c>: <c>NAME</c> or <c>NAME:lr</c>.</summary>
public sealed record OptimizerRequest(string Name, double? LearningRate)
{
    /// <summary>The racer of that name among <paramref name="optimizers"/> (the built-ins and those of --assembly).</summary>
    /// <exception cref="InvalidInputException">No optimizer has that name.</exception>
    public Racer Find(IReadOnlyList<OptimizerEntry> optimizers) =>
        RacerCatalog.Find(Name, optimizers)
            ?? throw new InvalidInputException($"Unknown optimizer '{Name}'; choose from {string.Join(", ", RacerCatalog.NamesAmong(optimizers))}.");

    /// <summary>The racer of that name at the rate asked for, or else its tuned rate (or its own default).</summary>
    /// <exception cref="InvalidInputException">No optimizer has that name, or it has no learning rate.</exception>
    public RaceEntry Resolve(IReadOnlyList<OptimizerEntry> optimizers)
    {
        var racer = Find(optimizers);
        if (LearningRate is { } rate) return new RaceEntry(racer, rate);
        try
        {
            return new RaceEntry(racer, TrainingLineup.LearningRateFor(racer));
        }
        catch (ArgumentException exception)
        {
            throw new InvalidInputException(exception.Message, exception);
        }
    }
}

/// <summary>Parsers for the values of <c>optim train</c>'s options; each reports bad input as a parse error naming the option.</summary>
public static class TrainArguments
{
    /// <summary>Parses <c>NAME</c> or <c>NAME:lr</c>; names are looked up when the command runs.</summary>
    public static OptimizerRequest[] Optimizers(ArgumentResult result) => [.. result.Tokens.Select(token => Optimizer(result, token.Value))];

    /// <summary>A whole number from 1 to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, int?> Count(int max) => result =>
    {
        string text = result.Tokens.Single().Value;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= max
            ? value
            : Error<int?>(result, $"{OptionName(result)} '{text}' is not a whole number from 1 to {max:N0}.");
    };

    /// <summary>Comma-separated hidden layer widths, e.g. <c>256,128</c>.</summary>
    public static int[] Widths(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        var widths = text.Split(',');
        var values = new int[widths.Length];
        for (int i = 0; i < widths.Length; i++)
        {
            if (!int.TryParse(widths[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1 || values[i] > TrainSettings.MaxHiddenWidth)
                return Error<int[]>(result, $"{OptionName(result)} '{text}': '{widths[i]}' is not a width from 1 to {TrainSettings.MaxHiddenWidth:N0}; write widths as 256,128.");
        }
        return values;
    }

    /// <summary>Comma-separated learning rates, e.g. <c>1e-3,1e-2,0.1</c>.</summary>
    public static double[] LearningRates(ArgumentResult result)
    {
        var rates = result.Tokens.SelectMany(token => token.Value.Split(',')).ToArray();
        var values = new double[rates.Length];
        for (int i = 0; i < rates.Length; i++)
        {
            if (!TryParsePositive(rates[i], out values[i]))
                return Error<double[]>(result, $"{OptionName(result)}: '{rates[i]}' is not a positive learning rate; write rates as 1e-3,1e-2,0.1.");
        }
        return values;
    }

    public static ulong? Seed(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : Error<ulong?>(result, $"{OptionName(result)} '{text}' is not a whole number from 0 to {ulong.MaxValue}.");
    }

    public static double? PositiveNumber(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        return TryParsePositive(text, out double value) ? value : Error<double?>(result, $"{OptionName(result)} '{text}' is not a positive number.");
    }

    /// <summary>A number of seconds from 0 to 60.</summary>
    public static double? Seconds(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value <= 60
            ? value
            : Error<double?>(result, $"{OptionName(result)} '{text}' is not a number of seconds from 0 to 60.");
    }

    /// <summary>The schedules by their command-line names.</summary>
    public static readonly (string Name, Schedule Schedule)[] Schedules =
    [
        ("constant", Schedule.Constant), ("cosine", Schedule.Cosine), ("warmup-cosine", Schedule.WarmupCosine),
    ];

    public static Schedule ParseSchedule(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        foreach (var (name, schedule) in Schedules)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return schedule;
        return Error<Schedule>(result, $"{OptionName(result)} '{text}': choose from {string.Join(", ", Schedules.Select(s => s.Name))}.");
    }

    private static OptimizerRequest Optimizer(ArgumentResult result, string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0) return new OptimizerRequest(text, null);
        string rate = text[(colon + 1)..];
        return TryParsePositive(rate, out double value)
            ? new OptimizerRequest(text[..colon], value)
            : Error<OptimizerRequest>(result, $"{OptionName(result)} '{text}': the learning rate '{rate}' is not a positive number.");
    }

    private static bool TryParsePositive(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && value > 0;

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;

    /// <summary>Records a parse error; the value returned in its place is never used.</summary>
    private static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
