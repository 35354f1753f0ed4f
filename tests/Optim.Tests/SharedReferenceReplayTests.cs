using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Replay;
using ScratchOptim.Testing;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays the shared reference cases (../shared/reference) as <see cref="GoldenReplayTests"/> replays the committed
/// goldens, each with the arithmetic of the PyTorch release it names: an extra check that runs where the folder is
/// beside the repository (CI has it) and is reported as skipped, with the reason, where it is not (a fresh clone).
/// </summary>
[Trait("Category", SharedReference.Category)]
public class SharedReferenceReplayTests
{
    /// <summary>PyTorch 1.13's cases.</summary>
    public static IEnumerable<object[]> Torch113Cases() => GoldenReplayTests.CasesIn(Path.Combine(SharedReference.Directory, "torch"), "*.json");

    /// <summary>
    /// PyTorch 2.14's cases: the same runs as the 1.13 ones, and the 2.x-only options of optim/ (decoupled weight
    /// decay, NAdam's and RAdam's maximize), Adafactor's and Muon's, within the tolerance each file records (sums and
    /// bfloat16 matrix products); the fused-kernel cases have their own test.
    /// </summary>
    public static IEnumerable<object[]> Torch2Cases() =>
        GoldenReplayTests.CasesIn(Path.Combine(SharedReference.Directory, "torch2"), "*.json")
            .Concat(GoldenReplayTests.CasesIn(Path.Combine(SharedReference.Directory, "torch2", "optim"), "*.json").Where(c => IsOptionCase((string)c[0])));

    /// <summary>
    /// The authors' cases (run with PyTorch 1.13) of every optimizer the library has (<see cref="AuthorsReplayTests.SharedFolders"/>)
    /// and of the authors' Muon with auxiliary Adam: bit for bit, or within the tolerance a case records (the optimizers
    /// built on reductions or matrix work); SOAP's shared cases have a test of their own (<see cref="MatrixReplayTests"/>).
    /// </summary>
    public static IEnumerable<object[]> AuthorCases() =>
        AuthorsReplayTests.SharedFolders.Append("muon").SelectMany(folder => GoldenReplayTests.CasesIn(Path.Combine(SharedReference.Directory, "authors", folder), "*.json"));

    [SharedReferenceTheory]
    [MemberData(nameof(Torch113Cases))]
    public void Shared_PyTorch_1_13_case_replays_bit_exact(string file) => GoldenReplayTests.AssertPasses(file, "PyTorch 1.13");

    [SharedReferenceTheory]
    [MemberData(nameof(Torch2Cases))]
    public void Shared_PyTorch_2_case_replays_bit_exact_or_within_its_recorded_tolerance(string file) => GoldenReplayTests.AssertPasses(file, "PyTorch 2.x");

    [SharedReferenceTheory]
    [MemberData(nameof(AuthorCases))]
    public void Shared_authors_case_replays_bit_exact_or_within_its_tolerance(string file) => GoldenReplayTests.AssertPasses(file, "PyTorch 1.13");

    /// <summary>
    /// fused=True selects ATen's fused CPU kernels, which the replay ignores. They compute the single-tensor path's
    /// bits in their vector body; in their scalar tail (the elements after the last full vector: 32-36 of the [37]
    /// tensor and 32-34 of the [5, 7] one with AVX2) fused SGD with momentum contracts buf * momentum instead of
    /// grad * (1 - dampening) into the fused multiply-add, and fused Adam/AdamW compute exp_avg_sq differently. So
    /// every element before the tail is bit-exact, and the tail only close.
    /// </summary>
    [SharedReferenceFact]
    public void Fused_kernel_cases_match_bit_for_bit_before_ATens_scalar_tail()
    {
        var files = Directory.GetFiles(Path.Combine(SharedReference.Directory, "torch2", "optim"), "*_fused_*.json").Order().ToList();
        Assert.NotEmpty(files);
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

    private static bool IsOptionCase(string file) => !Path.GetFileName(file).Contains("_fused_", System.StringComparison.Ordinal);
}
