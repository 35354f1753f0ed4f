using System.IO;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>TIMELINE.md tells the history of every optimizer the library ships, linked to its declaration.</summary>
public class TimelineTests
{
    [Fact]
    public void Every_optimizer_in_the_registry_has_a_timeline_entry_linking_its_declaration()
    {
        string timeline = File.ReadAllText(Path.Combine(Paths.Repository, "TIMELINE.md"));
        foreach (var entry in Catalog.All)
        {
            string link = $"(src/Optim.Library/{entry.Info.Name}.cs)";
            Assert.True(timeline.Contains(link, System.StringComparison.Ordinal), $"TIMELINE.md has no entry linking {link}");
            Assert.True(File.Exists(Path.Combine(Paths.Repository, "src", "Optim.Library", entry.Info.Name + ".cs")), $"{entry.Info.Name}.cs does not exist");
            Assert.Contains(entry.Info.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), timeline);
        }
    }
}
