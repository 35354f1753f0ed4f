using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Cli.Replay;
using ScratchOptim.Dsl;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays every committed PyTorch golden case (tools/reference makes them, with PyTorch 1.13 and 2.14) and the shared
/// reference cases (when ../shared is there), each with the arithmetic of the PyTorch release it names: float32 and
/// float64 parameters must match bit for bit after every step, and the final state must be equal. The authors' cases
/// are AuthorsReplayTests'.
/// </summary>
public class GoldenReplayTests
{
    /// <summary>The project's 1.13 goldens, and the shared 1.13 cases when ../shared is there.</summary>
    public static IEnumerable<object[]> Torch113Cases() =>
        CasesIn(Path.Combine(Paths.Goldens, "torch1.13"), "*.json")
            .Concat(CasesIn(Path.Combine(Paths.SharedReference, "torch"), "*.json"));

    /// <summary>
    /// The project's 2.x goldens, and when ../shared is there its 2.14 cases: the same runs as the 1.13 ones, and the
    /// 2.x-only options of optim/ (decoupled weight decay, NAdam's and RAdam's maximize). Adafactor and Muon are not in
    /// the library yet; the fused-kernel cases have their own test.
    /// </summary>
    public static IEnumerable<object[]> Torch2Cases() =>
        CasesIn(Path.Combine(Paths.Goldens, "torch2"), "*.json")
            .Concat(CasesIn(Path.Combine(Paths.SharedReference, "torch2"), "*.json"))
            .Concat(CasesIn(Path.Combine(Paths.SharedReference, "torch2", "optim"), "*.json").Where(c => IsOptionCase((string)c[0])));

    public static IEnumerable<object[]> ClassicCases() => CasesIn(Path.Combine(Paths.Goldens, "classic"), "*.json");

    [Theory]
    [MemberData(nameof(Torch113Cases))]
    public void PyTorch_1_13_case_replays_bit_exact(string file) => AssertPasses(file, "PyTorch 1.13");

    [Theory]
    [MemberData(nameof(Torch2Cases))]
    public void PyTorch_2_case_replays_bit_exact(string file) => AssertPasses(file, "PyTorch 2.x");

    [Theory]
    [MemberData(nameof(ClassicCases))]
    public void Classic_golden_case_replays_bit_exact(string file) => AssertPasses(file, null);

    /// <summary>
    /// fused=True selects ATen's fused CPU kernels, which the replay ignores (the shared cases, when ../shared is there).
    /// They compute the single-tensor path's bits in their vector body; in their scalar tail (the elements after the
    /// last full vector: 32-36 of the [37] tensor and 32-34 of the [5, 7] one with AVX2) fused SGD with momentum
    /// contracts buf * momentum instead of grad * (1 - dampening) into the fused multiply-add, and fused Adam/AdamW
    /// compute exp_avg_sq differently. So every element before the tail is bit-exact, and the tail only close.
    /// </summary>
    [Fact]
    public void Fused_kernel_cases_match_bit_for_bit_before_ATens_scalar_tail()
    {
        string directory = Path.Combine(Paths.SharedReference, "torch2", "optim");
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*_fused_*.json").Order().ToList() : [];
        foreach (string file in files)
        {
            int tail = TailDifferences(ReferenceCase.Load(file), out var result);
            // Adagrad's fused kernel gives the single-tensor bits everywhere; Adam's, AdamW's and SGD-with-momentum's do not in their tails.
            Assert.True((result.Case.Optimizer == "Adagrad") == (tail == 0), $"{result.Case.Name}: {tail} values differ in the tail");
            Assert.Equal(tail == 0 ? ReplayStatus.Passed : ReplayStatus.Failed, result.Status);
        }
    }

    private static int TailDifferences(ReferenceCase reference, out ReplayResult result)
    {
        const int vectorBody = 32;
        result = CaseRunner.Run(reference);
        Assert.NotNull(result.Output);
        var actual = result.Output!;
        int tail = 0;
        for (int step = 0; step < reference.Params.Count; step++)
        {
            for (int t = 0; t < reference.Shapes.Count; t++)
                tail += CompareTensor(Numbers(actual["params"]![step]![t]), reference.Params[step][t], vectorBody, $"{reference.Name}: step {step + 1}, tensor {t}");
        }
        foreach (var (tensor, state) in reference.FinalState)
        {
            foreach (var (name, value) in (JsonObject)state!)
            {
                if (value is JsonArray values)
                    tail += CompareTensor(Numbers(actual["final_state"]![tensor]![name]), Numbers(values), vectorBody, $"{reference.Name}: final state '{name}' of tensor {tensor}");
            }
        }
        return tail;
    }

    [Fact]
    public void A_case_of_an_unreproduced_PyTorch_release_is_skipped_and_says_so()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.Goldens, "torch1.13", "adam_plain_f32_s2.json")))!.AsObject();
        json["reference"] = "torch.optim.Adam, PyTorch 1.12.1";
        string path = Path.Combine(Path.GetTempPath(), $"scratchoptim-{System.Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        try
        {
            var result = CaseRunner.Run(ReferenceCase.Load(path));
            Assert.Equal(ReplayStatus.Skipped, result.Status);
            Assert.Equal("PyTorch 1.12.1 is not reproduced (1.13 and 2.x are)", result.Message);
            Assert.Null(result.Reproduced);
        }
        finally
        {
            File.Delete(path);
        }
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
            var json = (JsonObject)recorded.Json.DeepClone();
            json["reference"] = "torch.optim.NAdam, " + other;
            string path = Path.Combine(Path.GetTempPath(), $"scratchoptim-{System.Guid.NewGuid():N}.json");
            File.WriteAllText(path, json.ToJsonString());
            try
            {
                var result = CaseRunner.Run(ReferenceCase.Load(path));
                Assert.Equal(ReplayStatus.Failed, result.Status);
                Assert.StartsWith("step 1, tensor 0", result.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static void AssertPasses(string file, string? version)
    {
        var reference = ReferenceCase.Load(file);
        var result = CaseRunner.Run(reference);
        // Every case's optimizer is in the library, so a skipped case is a failure too.
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
        Assert.Equal(version, result.Reproduced);
    }

    /// <summary>Asserts bit-exactness before <paramref name="tailStart"/> and closeness after; returns how many tail values differ.</summary>
    private static int CompareTensor(double[] actual, double[] expected, int tailStart, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        int different = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i] == expected[i]) continue;
            Assert.True(i >= tailStart, $"{where}, element {i} (vector body): got {actual[i]:R}, expected {expected[i]:R}");
            Assert.True(System.Math.Abs(actual[i] - expected[i]) <= 1e-5 * System.Math.Max(1, System.Math.Abs(expected[i])), $"{where}, element {i}: got {actual[i]:R}, expected {expected[i]:R}");
            different++;
        }
        return different;
    }

    private static double[] Numbers(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    private static bool IsOptionCase(string file) =>
        Path.GetFileName(file) is var name && !name.StartsWith("adafactor_", System.StringComparison.Ordinal)
        && !name.StartsWith("muon_", System.StringComparison.Ordinal) && !name.Contains("_fused_", System.StringComparison.Ordinal);

    private static IEnumerable<object[]> CasesIn(string directory, string pattern) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, pattern).OrderBy(f => f, System.StringComparer.Ordinal).Select(f => new object[] { f })
            : [];
}
