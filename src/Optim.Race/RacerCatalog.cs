using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Race;

/// <summary>
/// The racers a name can select: every optimizer in the library's <see cref="Catalog"/> (so new ones join
/// without changes here) plus named variants of them.
/// </summary>
public static class RacerCatalog
{
    private static readonly (string Label, string Optimizer, string Setting, object Value)[] Variants =
    [
        ("SGD+momentum", "SGD", "momentum", 0.9),
    ];

    /// <summary>Every name <see cref="Find"/> accepts (besides PyTorch's class names).</summary>
    public static IEnumerable<string> Names =>
        Catalog.All.Select(entry => entry.Info.Name).Concat(Variants.Select(variant => variant.Label));

    /// <summary>The racer called <paramref name="name"/> (ignoring case), or null.</summary>
    public static Racer? Find(string name)
    {
        foreach (var variant in Variants)
        {
            if (string.Equals(variant.Label, name, StringComparison.OrdinalIgnoreCase) && Catalog.Find(variant.Optimizer) is { } entry)
                return new Racer(variant.Label, entry, [new(variant.Setting, variant.Value)]);
        }
        return Catalog.Find(name) is { } optimizer ? new Racer(optimizer.Info.Name, optimizer, []) : null;
    }
}
