using System.IO;
using System.Linq;
using ScratchOptim.Cli.Docs;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>docs/optimizers.md is generated from the registry; the committed copy must be what the code renders now.</summary>
public class DocsTests
{
    [Fact]
    public void The_committed_optimizer_docs_are_what_the_registry_renders()
    {
        string path = Path.Combine(Paths.Repository, "docs", "optimizers.md");
        string expected = OptimizerMarkdown.Render(Catalog.All.Select(entry => entry.Info));
        string committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";

        Assert.True(committed == expected,
            $"docs/optimizers.md is {(committed == "" ? "missing" : "stale")}: {FirstDifference(committed, expected)}. " +
            $"Regenerate it from the repository root with: {OptimizerMarkdown.RegenerateCommand}");
    }

    [Fact]
    public void The_docs_have_a_row_and_a_section_for_every_optimizer()
    {
        string markdown = OptimizerMarkdown.Render(Catalog.All.Select(entry => entry.Info));
        foreach (var entry in Catalog.All)
        {
            Assert.Contains($"| [{entry.Info.Name}](#{entry.Info.Name.ToLowerInvariant()}) | {entry.Info.Year} |", markdown);
            Assert.Contains($"\n## {entry.Info.Name}\n", markdown);
        }
    }

    private static string FirstDifference(string committed, string expected)
    {
        var committedLines = committed.Split('\n');
        var expectedLines = expected.Split('\n');
        for (int i = 0; i < System.Math.Max(committedLines.Length, expectedLines.Length); i++)
        {
            string? have = i < committedLines.Length ? committedLines[i] : null;
            string? want = i < expectedLines.Length ? expectedLines[i] : null;
            if (have != want) return $"line {i + 1} is \"{have ?? "(end of file)"}\", the registry renders \"{want ?? "(end of file)"}\"";
        }
        return "they differ";
    }
}
