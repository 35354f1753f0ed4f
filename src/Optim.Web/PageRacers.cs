using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Optimizers;
using ScratchOptim.Race;

namespace ScratchOptim.Web;

/// <summary>
/// The racers the page offers: the race's own catalogue (every built-in and its named variants, e.g. SGD+momentum)
/// and every optimizer declared in the other assemblies the site was built with, in order of invention; those that
/// take matrices only (Muon) cannot race, since a position is a vector.
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
        All = racers.Where(racer => racer.TakesVectors).OrderBy(racer => racer.Optimizer.Info.Year).ThenBy(racer => racer.Optimizer.Info.Name).ThenBy(racer => racer.Settings.Count).ToArray();
        byLabel = All.ToDictionary(racer => racer.Label);
    }

    public IReadOnlyList<Racer> All { get; }

    public Racer? Find(string label) => byLabel.GetValueOrDefault(label);
}
