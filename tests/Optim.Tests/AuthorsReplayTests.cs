using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays the project's cases recorded from the optimizer authors' own code with PyTorch 1.13 (tests/Goldens/authors,
/// made by tools/reference/make_authors_goldens.py), and a few recorded with PyTorch 2.14 where the authors' code rounds
/// differently under it (tests/Goldens/authors-torch2): float32 and float64 parameters must match bit for bit after
/// every step, and the final state must be equal. The shared authors' cases (../shared/reference/authors) of the
/// folders in <see cref="SharedFolders"/> are replayed by <see cref="SharedReferenceReplayTests"/> when the folder is there.
/// </summary>
public class AuthorsReplayTests
{
    /// <summary>The authors' folders with project cases: the element-wise optimizers.</summary>
    internal static readonly string[] Folders = ["adabelief", "yogi", "qhadam", "adabound", "adaboundw", "adamod", "adopt", "ademamix", "lion", "lion_lucidrains", "sophia", "schedulefree_sgd", "schedulefree_adamw"];

    /// <summary>The shared folders whose optimizer the library has; the other shared folders wait for theirs.</summary>
    internal static readonly string[] SharedFolders = [.. Folders, "lamb", "lars", "novograd"];

    private static string ProjectRoot => Path.Combine(Paths.Goldens, "authors");

    /// <summary>Cases of the authors' code run with PyTorch 2.14: Schedule-Free's eval(), whose lerp rounds differently from 1.13's.</summary>
    private static string Torch2Root => Path.Combine(Paths.Goldens, "authors-torch2");

    public static IEnumerable<object[]> ProjectCases() => CasesUnder(ProjectRoot, Folders);

    public static IEnumerable<object[]> Torch2Cases() => CasesUnder(Torch2Root, Directory.GetDirectories(Torch2Root).Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(ProjectCases))]
    public void Project_authors_case_replays_bit_exact(string file) => GoldenReplayTests.AssertPasses(Path.Combine(ProjectRoot, file), "PyTorch 1.13");

    [Theory]
    [MemberData(nameof(Torch2Cases))]
    public void Project_authors_case_recorded_with_PyTorch_2_replays_bit_exact(string file) => GoldenReplayTests.AssertPasses(Path.Combine(Torch2Root, file), "PyTorch 2.x");

    /// <summary>The case files of <paramref name="folders"/> under <paramref name="root"/>, as folder/file.json.</summary>
    private static IEnumerable<object[]> CasesUnder(string root, IEnumerable<string> folders) =>
        folders
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.json").Select(file => folder + "/" + Path.GetFileName(file)))
            .Order(StringComparer.Ordinal)
            .Select(file => new object[] { file });

    [Fact]
    public void Every_folder_of_project_cases_is_replayed_and_has_float32_and_float64_cases()
    {
        // muon and soap (matrix work on OpenBLAS) are MatrixReplayTests' folders, and the optimizers built on reductions
        // (within a tolerance) GroupWideReplayTests': each replays and checks its own.
        var onDisk = Directory.GetDirectories(ProjectRoot).Select(Path.GetFileName)
            .Where(folder => folder is not ("muon" or "soap") && !GroupWideReplayTests.Folders.Contains(folder)).Order(StringComparer.Ordinal);
        Assert.Equal(Folders.Order(StringComparer.Ordinal), onDisk);
        foreach (var folder in Folders)
        {
            var files = Directory.GetFiles(Path.Combine(ProjectRoot, folder), "*.json").Select(Path.GetFileName).ToArray();
            Assert.Contains(files, name => name!.Contains("_f32_", StringComparison.Ordinal));
            Assert.Contains(files, name => name!.Contains("_f64_", StringComparison.Ordinal));
        }
    }
}
