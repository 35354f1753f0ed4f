using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Dsl;
using ScratchOptim.Replay;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays every committed PyTorch golden case (tools/reference makes them, with PyTorch 1.13 and 2.14), each with the
/// arithmetic of the PyTorch release it names: float32 and float64 parameters must match bit for bit after every step,
/// and the final state must be equal, unless the case records a tolerance (Adafactor's: it sums in an order PyTorch
/// leaves to the kernel). The shared reference cases, when ../shared is beside the repository, are
/// replayed the same way by <see cref="SharedReferenceReplayTests"/>; the cases from the authors' code are
/// <see cref="AuthorsReplayTests"/>'.
/// </summary>
public class GoldenReplayTests
{
    public static IEnumerable<object[]> Torch113Cases() => CasesIn(Path.Combine(Paths.Goldens, "torch1.13"), "*.json");

    /// <summary>The same runs as the 1.13 goldens recorded with PyTorch 2.14, 2.x-only options, and Adafactor.</summary>
    public static IEnumerable<object[]> Torch2Cases() => CasesIn(Path.Combine(Paths.Goldens, "torch2"), "*.json");

    public static IEnumerable<object[]> ClassicCases() => CasesIn(Path.Combine(Paths.Goldens, "classic"), "*.json");

    [Theory]
    [MemberData(nameof(Torch113Cases))]
    public void PyTorch_1_13_case_replays_bit_exact(string file) => AssertPasses(file, "PyTorch 1.13");

    [Theory]
    [MemberData(nameof(Torch2Cases))]
    public void PyTorch_2_case_replays_bit_exact_or_within_its_recorded_tolerance(string file) => AssertPasses(file, "PyTorch 2.x");

    [Theory]
    [MemberData(nameof(ClassicCases))]
    public void Classic_golden_case_replays_bit_exact(string file) => AssertPasses(file, null);

    [Fact]
    public void A_case_of_an_unreproduced_PyTorch_release_is_skipped_and_says_so()
    {
        var result = EditedCase.Run(Path.Combine(Paths.Goldens, "torch1.13", "adam_plain_f32_s2.json"), json => json["reference"] = "torch.optim.Adam, PyTorch 1.12.1");
        Assert.Equal(ReplayStatus.Skipped, result.Status);
        Assert.Equal("PyTorch 1.12.1 is not reproduced (1.13 and 2.x are)", result.Message);
        Assert.Null(result.Reproduced);
    }

    [Fact]
    public void The_reference_field_chooses_the_arithmetic()
    {
        // The same NAdam run recorded with both releases: 1.13's look-ahead product differs by ~14% from the first step.
        var torch113 = ReferenceCase.Load(Path.Combine(Paths.Goldens, "torch1.13", "nadam_plain_f32_s2.json"));
        var torch2 = ReferenceCase.Load(Path.Combine(Paths.Goldens, "torch2", "nadam_plain_f32_s2.json"));
        Assert.Equal(PyTorchVersion.V1_13, CaseRunner.PyTorchVersionOf(torch113, out _));
        Assert.Equal(PyTorchVersion.V2, CaseRunner.PyTorchVersionOf(torch2, out _));
        Assert.NotEqual(torch113.Params[0][0], torch2.Params[0][0]);

        // Swapping the reference field makes each replay use the other arithmetic, which fails at the first step.
        foreach (var (recorded, other) in new[] { (torch113, "PyTorch 2.14.1+debian"), (torch2, "PyTorch 1.13 (Debian python3-torch)") })
        {
            var result = EditedCase.Run(recorded.Path, json => json["reference"] = "torch.optim.NAdam, " + other);
            Assert.Equal(ReplayStatus.Failed, result.Status);
            Assert.StartsWith("step 1, tensor 0", result.Message);
        }
    }

    /// <summary>Every case's optimizer is in the library, so a skipped case is a failure too.</summary>
    internal static void AssertPasses(string file, string? version)
    {
        var reference = ReferenceCase.Load(file);
        var result = CaseRunner.Run(reference);
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
        Assert.Equal(version, result.Reproduced);
    }

    internal static IEnumerable<object[]> CasesIn(string directory, string pattern) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, pattern).OrderBy(f => f, System.StringComparer.Ordinal).Select(f => new object[] { f })
            : [];
}
