using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Replay;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays the cases recorded from the optimizer authors' own code with PyTorch 1.13: the project's
/// (tests/Goldens/authors, made by tools/reference/make_authors_goldens.py) and the shared ones
/// (../shared/reference/authors, when present). float32 and float64 parameters must match after every step, and the
/// final state must be equal: bit for bit, or within the tolerance a case records (the optimizers built on reductions).
/// </summary>
public class AuthorsReplayTests
{
    private const string NoSharedReference = "(no ../shared/reference/authors)";

    /// <summary>The authors' folders with project cases: the element-wise optimizers.</summary>
    private static readonly string[] Folders = ["adabelief", "yogi", "qhadam", "adabound", "adaboundw", "adamod", "adopt", "ademamix"];

    /// <summary>The shared folders whose optimizer the library has; the other shared folders wait for theirs.</summary>
    private static readonly string[] SharedFolders = [.. Folders, "lamb", "lars", "novograd"];

    private static string ProjectRoot => Path.Combine(Paths.Goldens, "authors");

    private static string SharedRoot => Path.Combine(Paths.SharedReference, "authors");

    public static IEnumerable<object[]> ProjectCases() => CasesUnder(ProjectRoot, Folders);

    public static IEnumerable<object[]> SharedCases() => Directory.Exists(SharedRoot) ? CasesUnder(SharedRoot, SharedFolders) : [[NoSharedReference]];

    [Theory]
    [MemberData(nameof(ProjectCases))]
    public void Project_authors_case_replays_bit_exact(string file) => AssertPasses(Path.Combine(ProjectRoot, file));

    [SkippableTheory]
    [MemberData(nameof(SharedCases))]
    public void Shared_authors_case_matches_bit_for_bit_or_within_its_tolerance(string file)
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

    /// <summary>Every listed case's optimizer is in the library, so a skipped case is a failure too.</summary>
    private static void AssertPasses(string file)
    {
        var reference = ReferenceCase.Load(file);
        var result = CaseRunner.Run(reference);
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
        Assert.Equal("PyTorch 1.13", result.Reproduced);
    }

    /// <summary>The case files of <paramref name="folders"/> under <paramref name="root"/>, as folder/file.json.</summary>
    private static IEnumerable<object[]> CasesUnder(string root, IEnumerable<string> folders) =>
        folders
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.json").Select(file => folder + "/" + Path.GetFileName(file)))
            .Order(StringComparer.Ordinal)
            .Select(file => new object[] { file });
}
