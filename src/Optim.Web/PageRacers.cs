using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Optimizers;
using ScratchOptim.Race;

namespace ScratchOptim.Web;

/// <summary>
/// The racers the page offers: the race's own catalogue (every built-in and its named variants, e.g. SGD+momentum)
/// and every optimizer declared in the other assemblies the site was built with, in order of invention. Those that
/// cannot race here are not offered, and the page lists them with why (<see cref="RacerSelection.Refusal"/>: Muon
/// takes matrices only, and a position is a vector).
/// </summary>
public sealed class PageRacers
{
    private readonly Dictionary<string, Racer> byLabel;

    public PageRacers(IEnumerable<OptimizerEntry> found)
    {
        var racers = RacerCatalog.Names.Select(RacerCatalog.Find).OfType<Racer>().ToList();
        foreach (var entry in found.Where(entry => !Catalog.All.Contains(entry)))
        {
            // A declaration of the user's that shares a built-in's name keeps it, with a number.
            string label = entry.Info.Name;
            for (int n = 2; racers.Any(racer => racer.Label == label); n++) label = $"{entry.Info.Name} ({n})";
            racers.Add(new Racer(label, entry, []));
        }
        var ordered = racers.OrderBy(racer => racer.Optimizer.Info.Year).ThenBy(racer => racer.Optimizer.Info.Name).ThenBy(racer => racer.Settings.Count)
            .Select(racer => (Racer: racer, Refusal: new RacerSelection(racer, null).Refusal())).ToArray();
        All = ordered.Where(racer => racer.Refusal is null).Select(racer => racer.Racer).ToArray();
        Refused = ordered.Where(racer => racer.Refusal is not null).Select(racer => (racer.Racer, racer.Refusal!)).ToArray();
        byLabel = All.ToDictionary(racer => racer.Label);
    }

    /// <summary>The racers offered.</summary>
    public IReadOnlyList<Racer> All { get; }

    /// <summary>The racers left out, each with why.</summary>
    public IReadOnlyList<(Racer Racer, string Reason)> Refused { get; }

    public Racer? Find(string label) => byLabel.GetValueOrDefault(label);
}
