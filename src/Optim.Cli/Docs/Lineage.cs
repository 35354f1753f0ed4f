using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Cli.Docs;

/// <summary>Who builds on whom, from each optimizer's <see cref="OptimizerInfo.BuildsOn"/>.</summary>
public static class Lineage
{
    /// <summary>The optimizers ordered by year of invention, then by name.</summary>
    public static IReadOnlyList<OptimizerInfo> InOrderOfInvention(IEnumerable<OptimizerInfo> optimizers) =>
        [.. optimizers.OrderBy(o => o.Year).ThenBy(o => o.Name, StringComparer.Ordinal)];

    /// <summary>
    /// <paramref name="optimizer"/> and the chain of optimizers it builds on, oldest first, as far as
    /// <paramref name="known"/> holds them (a <see cref="OptimizerInfo.BuildsOn"/> outside it ends the chain with its name).
    /// </summary>
    public static IReadOnlyList<string> Ancestry(OptimizerInfo optimizer, IEnumerable<OptimizerInfo> known)
    {
        var byName = known.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var chain = new List<string> { optimizer.Name };
        for (string? parent = optimizer.BuildsOn; parent is not null && !chain.Contains(parent); parent = byName.GetValueOrDefault(parent)?.BuildsOn)
            chain.Add(parent);
        chain.Reverse();
        return chain;
    }

    /// <summary>The optimizers in <paramref name="known"/> that build directly on <paramref name="optimizer"/>, in order of invention.</summary>
    public static IReadOnlyList<OptimizerInfo> Successors(OptimizerInfo optimizer, IEnumerable<OptimizerInfo> known) =>
        InOrderOfInvention(known.Where(o => o.BuildsOn == optimizer.Name && o.Name != optimizer.Name));
}
