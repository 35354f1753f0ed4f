using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Replay;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays the cases recorded from the optimizer authors' own code: the project's (tests/Goldens/authors, made by
/// tools/reference/make_authors_goldens.py) and the shared ones (../shared/reference/authors, when present). Every
/// float32 case must match bit for bit after every step, and in its final state. float64 cases are listed too: the
/// runner reports them skipped until the kernels have a float64 form, and they run from then on.
/// </summary>
public class AuthorsReplayTests
{
    private const string NoSharedReference = "(no ../shared/reference/authors)";

    /// <summary>The authors' folders whose optimizer the library has; the other shared folders wait for theirs.</summary>
    private static readonly string[] Folders = ["adabelief", "yogi", "adabound", "adaboundw", "adamod", "adopt", "ademamix"];

    private static string ProjectRoot => Path.Combine(Paths.Goldens, "authors");

    private static string SharedRoot => Path.Combine(Paths.SharedReference, "authors");

    public static IEnumerable<object[]> ProjectCases() => CasesUnder(ProjectRoot);

    public static IEnumerable<object[]> SharedCases() => Directory.Exists(SharedRoot) ? CasesUnder(SharedRoot) : [[NoSharedReference]];

    [SkippableTheory]
    [MemberData(nameof(ProjectCases))]
    public void Project_authors_case_replays_bit_exact(string file) => AssertPasses(Path.Combine(ProjectRoot, file));

    [SkippableTheory]
    [MemberData(nameof(SharedCases))]
    public void Shared_authors_case_replays_bit_exact(string file)
    {
        Skip.If(file == NoSharedReference, "../shared/reference/authors is not beside the repository");
        AssertPasses(Path.Combine(SharedRoot, file));
    }

    [Fact]
    public void Every_folder_of_project_cases_is_replayed_and_has_float32_and_float64_cases()
    {
        var onDisk = Directory.GetDirectories(ProjectRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Folders.Order(StringComparer.Ordinal), onDisk);
        foreach (var folder in Folders)
        {
            var files = Directory.GetFiles(Path.Combine(ProjectRoot, folder), "*.json").Select(Path.GetFileName).ToArray();
            Assert.Contains(files, name => name!.Contains("_f32_", StringComparison.Ordinal));
            Assert.Contains(files, name => name!.Contains("_f64_", StringComparison.Ordinal));
        }
    }

    private static void AssertPasses(string file)
    {
        var reference = ReferenceCase.Load(file);
        var result = CaseRunner.Run(reference);
        Skip.If(reference.DType != "float32" && result.Status == ReplayStatus.Skipped, $"{reference.Name}: {result.Message}");
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
    }

    private static IEnumerable<object[]> CasesUnder(string root) =>
        Folders
            .SelectMany(folder => Directory.GetFiles(Path.Combine(ProjectRoot, folder), "*.json"))
            .Order(StringComparer.Ordinal)
            .Select(file => new object[] { file });
}
