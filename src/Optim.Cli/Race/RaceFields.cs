using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Linq;
using ScratchOptim.Race;

namespace ScratchOptim.Cli.Race;

/// <summary>
/// The line-ups <c>optim race --field NAME</c> selects: <c>classic</c> is the default race (SGD, momentum, Adam,
/// AdamW); <c>modern</c> races Adam against its successors (<see cref="ModernField"/>). The default race stays four
/// racers long, so its tables and pictures stay readable.
/// </summary>
public static class RaceFields
{
    /// <summary>The names <c>--field</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["classic", "modern"];

    /// <summary>The line-up called <paramref name="name"/> (ignoring case), or null.</summary>
    public static IReadOnlyList<RacerSelection>? Find(string name) => name.ToLowerInvariant() switch
    {
        "classic" => DefaultRace.Lineup,
        "modern" => ModernField.Racers.Select(RacerCatalog.Find).OfType<Racer>().Select(racer => new RacerSelection(racer, null)).ToArray(),
        _ => null,
    };

    /// <summary>Parses the value of <c>--field</c>, reporting an unknown name as a parse error that lists the fields.</summary>
    public static IReadOnlyList<RacerSelection> Parse(ArgumentResult result)
    {
        string name = result.Tokens.Single().Value;
        if (Find(name) is { } lineup) return lineup;
        result.AddError($"Unknown field '{name}'; choose from {string.Join(", ", Names)}.");
        return [];
    }
}
