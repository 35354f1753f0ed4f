using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The generated source of every built-in optimizer, compared with its approved copy in Snapshots/. A change to the
/// generator shows up here as a readable diff. To approve a change, run with SCRATCHOPTIM_ACCEPT_SNAPSHOTS=1: the
/// approved files are rewritten and the run still fails, so an accepting run can never pass CI.
/// </summary>
public class SnapshotTests
{
    private const string AcceptVariable = "SCRATCHOPTIM_ACCEPT_SNAPSHOTS";
    private static readonly string Directory = Path.Combine(GeneratorHarness.RepositoryRoot, "tests", "Optim.Generator.Tests", "Snapshots");

    public static IEnumerable<object[]> Declarations() =>
        GeneratorHarness.BuiltInDeclarations().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Generated_source_matches_the_approved_snapshot(string file)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.BuiltInSource(file));
        var (_, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(run.Diagnostics);

        // The registry and the copies of each source it serves to tools are the same text again; the optimizer's own file is what matters.
        foreach (var source in run.GeneratedSources.Where(s => !s.HintName.Contains("OptimizerRegistry", StringComparison.Ordinal) && !s.HintName.EndsWith(".Source.g.cs", StringComparison.Ordinal)))
        {
            string actual = Normalize(source.SourceText.ToString());
            string approvedPath = Path.Combine(Directory, Path.GetFileNameWithoutExtension(source.HintName) + ".verified.cs");
            string receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".verified", ".received", StringComparison.Ordinal) + ".cs";
            string? approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : null;

            if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
            {
                File.WriteAllText(approvedPath, actual);
                File.Delete(receivedPath);
                Assert.Fail($"{AcceptVariable}=1: rewrote {approvedPath}. Unset it and run again to check.");
            }
            if (approved == actual)
            {
                File.Delete(receivedPath);
                continue;
            }
            File.WriteAllText(receivedPath, actual);
            Assert.Fail(approved is null
                ? $"No approved snapshot for {source.HintName}; wrote {receivedPath}. Review it, then run with {AcceptVariable}=1 to approve."
                : $"{source.HintName} differs from {approvedPath} {FirstDifference(approved, actual)}; wrote {receivedPath}. Review the diff, then run with {AcceptVariable}=1 to approve.");
        }
    }

    [Fact]
    public void Every_approved_snapshot_belongs_to_a_built_in_optimizer()
    {
        var declared = GeneratorHarness.BuiltInDeclarations()
            .Select(f => "ScratchOptim.Optimizers." + Path.GetFileNameWithoutExtension(f) + ".g.verified.cs")
            .ToHashSet(StringComparer.Ordinal);
        var orphans = System.IO.Directory.GetFiles(Directory, "*.verified.cs").Select(Path.GetFileName).Where(f => !declared.Contains(f!)).ToList();
        Assert.True(orphans.Count == 0, "Snapshots with no declaration (delete them): " + string.Join(", ", orphans));
    }

    /// <summary>LF line endings and the generator's version replaced, so snapshots survive checkouts and releases.</summary>
    private static string Normalize(string source) =>
        source.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace("\"ScratchOptim.Generator\", \"" + typeof(OptimizerGenerator).Assembly.GetName().Version + "\"", "\"ScratchOptim.Generator\", \"%VERSION%\"", StringComparison.Ordinal);

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string left = i < e.Length ? e[i] : "<end of file>";
            string right = i < a.Length ? a[i] : "<end of file>";
            if (left != right) return $"at line {i + 1}:\n  approved: {left}\n  actual:   {right}\n";
        }
        return "";
    }
}
