using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Race;

/// <summary>
/// The racers a name can select: every optimizer in the library's <see cref="Catalog"/> (so new ones join
/// without changes here), or in a list of optimizers that includes the user's own, plus named variants of them.
/// Whether a racer can race, and why not, is <see cref="RacerSelection.Refusal"/>.
/// </summary>
public static class RacerCatalog
{
    private static readonly (string Label, string Optimizer, string Setting, object Value)[] Variants =
    [
        ("SGD+momentum", "SGD", "momentum", 0.9),
        // A race's position is a vector, which MARS gives its plain AdamW path (at adamLr, not the race's rate) unless
        // optimize1d: racing MARS means racing its own update.
        ("MARS", "MARS", "optimize1d", true),
    ];

    /// <summary>
    /// Settings an optimizer races with under its own name, so that it races and its learning rate has a value to show
    /// and slide. MuonWithAuxAdam gives a vector to its Adam group, as its authors do
    /// (<see cref="Optimizers.MuonParameters.CreateWithAuxAdam"/>): Muon's steps orthogonalize matrices. Its lr is null
    /// by default, which the update reads as the authors' default for the group's kind; the race sets the Adam group's,
    /// 3e-4. FairseqAdafactor's lr is null too: by default it steps by the relative step min(1e-2, 1/√t), which is 1e-2
    /// for the first 10⁴ steps, longer than any race's default; it races with that as its external lr (relativeStep
    /// false), the same steps over a race, scaled by the weights' root mean square as by default.
    /// </summary>
    private static readonly Dictionary<string, KeyValuePair<string, object>[]> VectorSettings = new(StringComparer.Ordinal)
    {
        ["MuonWithAuxAdam"] = [new("useMuon", false), new("lr", 3e-4)],
        ["FairseqAdafactor"] = [new("relativeStep", false), new("lr", 1e-2)],
    };

    /// <summary>Every name <see cref="Find(string)"/> accepts (besides PyTorch's class names).</summary>
    public static IEnumerable<string> Names => NamesAmong(Catalog.All);

    /// <summary>Every name <see cref="Find(string, IReadOnlyList{OptimizerEntry})"/> accepts among <paramref name="optimizers"/>.</summary>
    public static IEnumerable<string> NamesAmong(IReadOnlyList<OptimizerEntry> optimizers) =>
        optimizers.Select(entry => entry.Info.Name).Concat(Variants.Where(variant => Catalog.Find(variant.Optimizer, optimizers) is not null).Select(variant => variant.Label))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The racer called <paramref name="name"/> (ignoring case) among the library's optimizers, or null.</summary>
    public static Racer? Find(string name) => Find(name, Catalog.All);

    /// <summary>The racer called <paramref name="name"/> (ignoring case) among <paramref name="optimizers"/>, or null.</summary>
    public static Racer? Find(string name, IReadOnlyList<OptimizerEntry> optimizers)
    {
        foreach (var variant in Variants)
        {
            if (string.Equals(variant.Label, name, StringComparison.OrdinalIgnoreCase) && Catalog.Find(variant.Optimizer, optimizers) is { } entry)
                return new Racer(variant.Label, entry, [new(variant.Setting, variant.Value)]);
        }
        return Catalog.Find(name, optimizers) is { } optimizer ? new Racer(optimizer.Info.Name, optimizer, OwnSettings(optimizer)) : null;
    }

    /// <summary>The settings a library optimizer races with under its own name (none for a user's optimizer of the same name).</summary>
    private static KeyValuePair<string, object>[] OwnSettings(OptimizerEntry optimizer) =>
        Catalog.All.Contains(optimizer) && VectorSettings.TryGetValue(optimizer.Info.Name, out var settings) ? settings : [];
}
