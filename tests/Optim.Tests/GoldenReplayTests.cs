using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScratchOptim.Replay;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays every committed golden case (tools/reference makes them): float32 parameters must match bit for bit
/// after every step, and the final state must be equal. The shared reference cases, when present beside the
/// repository, are replayed the same way by <see cref="SharedReferenceReplayTests"/>.
/// </summary>
public class GoldenReplayTests
{
    public static IEnumerable<object[]> ProjectCases() => CasesIn(Path.Combine(Paths.Goldens, "torch"));

    public static IEnumerable<object[]> ClassicCases() => CasesIn(Path.Combine(Paths.Goldens, "classic"));

    [Theory]
    [MemberData(nameof(ProjectCases))]
    public void Project_golden_case_replays_bit_exact(string file) => AssertPasses(file);

    [Theory]
    [MemberData(nameof(ClassicCases))]
    public void Classic_golden_case_replays_bit_exact(string file) => AssertPasses(file);

    /// <summary>Every case's optimizer is in the library, so a skipped case is a failure too.</summary>
    internal static void AssertPasses(string file)
    {
        var reference = ReferenceCase.Load(file);
        var result = CaseRunner.Run(reference);
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
    }

    internal static IEnumerable<object[]> CasesIn(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*_f32_*.json").OrderBy(f => f, System.StringComparer.Ordinal).Select(f => new object[] { f })
            : [];
}
