using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Linq;

namespace ScratchOptim.Cli.Race;

/// <summary>
/// The line-ups <c>optim race --field NAME</c> selects: <c>classic</c> is the default race (SGD, momentum, Adam,
/// AdamW); <c>modern</c> races Adam against its successors, each matched to its authors' code. The default race stays
/// four racers long, so its tables and pictures stay readable.
/// </summary>
public static class RaceFields
{
    /// <summary>Adam, then its successors in order of publication.</summary>
    private static readonly string[] Modern = ["Adam", "Yogi", "AdaBound", "AdaMod", "AdaBelief", "AdEMAMix", "ADOPT"];

    /// <summary>
    /// Rates of the modern racers that differ from Adam's tuned rate on a landscape. Every other modern racer runs at
    /// Adam's rate, so the table compares the ideas rather than the tuning (each is an Adam variant whose step per
    /// coordinate is about lr). The exceptions are racers that diverge at Adam's rate, each at the fastest rate of a
    /// log grid (1e-4 … 1) that converges: AdaBelief's first steps (rhoT &lt; 5) are plain momentum steps with the raw
    /// gradient, which Beale's and Rosenbrock's steep walls throw far off. AdaBound diverges on Rosenbrock at every
    /// rate: its bounds close in on finalLr = 0.1, thirty times the rate at which SGD diverges there.
    /// </summary>
    private static readonly Dictionary<(string Landscape, string Racer), double> OwnRates = new()
    {
        [("beale", "AdaBelief")] = 0.05,
        [("rosenbrock", "AdaBelief")] = 0.01,
    };

    /// <summary>The names <c>--field</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["classic", "modern"];

    /// <summary>The line-up called <paramref name="name"/> (ignoring case), or null.</summary>
    public static IReadOnlyList<RacerSelection>? Find(string name) => name.ToLowerInvariant() switch
    {
        "classic" => DefaultRace.Lineup,
        "modern" => Modern.Select(RacerCatalog.Find).OfType<Racer>().Select(racer => new RacerSelection(racer, null)).ToArray(),
        _ => null,
    };

    /// <summary>The tuned rate of a modern racer other than Adam on <paramref name="landscape"/>, or null for any other racer.</summary>
    public static double? TunedRate(string landscape, string racer)
    {
        if (racer == "Adam" || !Modern.Contains(racer, StringComparer.Ordinal)) return null;
        return OwnRates.TryGetValue((landscape, racer), out double rate) ? rate : TunedLearningRates.Find(landscape, "Adam");
    }

    /// <summary>Parses the value of <c>--field</c>, reporting an unknown name as a parse error that lists the fields.</summary>
    public static IReadOnlyList<RacerSelection> Parse(ArgumentResult result)
    {
        string name = result.Tokens.Single().Value;
        if (Find(name) is { } lineup) return lineup;
        result.AddError($"Unknown field '{name}'; choose from {string.Join(", ", Names)}.");
        return [];
    }
}
