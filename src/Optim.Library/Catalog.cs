using System;
using System.Collections.Generic;

namespace ScratchOptim.Optimizers;

/// <summary>Every optimizer this library ships, from the registry the generator writes.</summary>
public static class Catalog
{
    /// <summary>The optimizers, ordered by name.</summary>
    public static IReadOnlyList<OptimizerEntry> All => ScratchOptim.Generated.OptimizerRegistry.All;

    /// <summary>
    /// The optimizer called <paramref name="name"/>: its class name or the PyTorch class it reproduces, with or without
    /// its module (<c>"Adam"</c>, <c>"torch.optim.Adam"</c>; <c>"SingleDeviceMuonWithAuxAdam"</c> for the authors'
    /// <c>muon.SingleDeviceMuonWithAuxAdam</c>), compared without regard to case; null when there is none.
    /// </summary>
    public static OptimizerEntry? Find(string name) => Find(name, All);

    /// <summary>
    /// The first optimizer of <paramref name="entries"/> called <paramref name="name"/>, by the same rule as
    /// <see cref="Find(string)"/>: for a registry other than this library's (an assembly of your own optimizers).
    /// </summary>
    public static OptimizerEntry? Find(string name, IEnumerable<OptimizerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (string.Equals(entry.Info.Name, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(entry.Info.PyTorch, name, StringComparison.OrdinalIgnoreCase)
                || entry.Info.PyTorch is { } reproduced && reproduced.EndsWith("." + name, StringComparison.OrdinalIgnoreCase))
                return entry;
        }
        return null;
    }
}
