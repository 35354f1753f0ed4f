using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;
using ScratchOptim.Replay;
using ScratchOptim.Testing;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Prodigy, Adan, MARS and fairseq's Adafactor against their authors' code (PyTorch 1.13): the project's seed-2 cases
/// (tests/Goldens/authors, made by tools/reference/make_authors_goldens.py) and the shared seed-1 ones. Parameters after
/// every step, the final state and the group-level values the authors keep in param_groups (Prodigy's d, d_max, ...,
/// per step) must match within each case's recorded tolerance (they sum), bit for bit where it records none.
/// </summary>
public class GroupWideReplayTests
{
    /// <summary>The folders of the optimizers built on group and tensor reductions.</summary>
    internal static readonly string[] Folders = ["prodigy", "adan", "mars", "adafactor"];

    private static string ProjectRoot => Path.Combine(Paths.Goldens, "authors");

    public static IEnumerable<object[]> ProjectCases() => CasesIn(ProjectRoot);

    public static IEnumerable<object[]> SharedCases() =>
        CasesIn(Path.Combine(SharedReference.Directory, "authors"));

    [Theory]
    [MemberData(nameof(ProjectCases))]
    public void Project_authors_case_replays_within_its_tolerance(string file) => GoldenReplayTests.AssertPasses(file, "PyTorch 1.13");

    [SharedReferenceTheory]
    [Trait("Category", SharedReference.Category)]
    [MemberData(nameof(SharedCases))]
    public void Shared_authors_case_replays_within_its_tolerance(string file) => GoldenReplayTests.AssertPasses(file, "PyTorch 1.13");

    [Fact]
    public void Every_folder_has_float32_and_float64_cases_and_the_elementwise_ones_are_exact()
    {
        foreach (string folder in Folders)
        {
            var files = Directory.GetFiles(Path.Combine(ProjectRoot, folder), "*.json");
            Assert.Contains(files, f => f.Contains("_f32_", StringComparison.Ordinal));
            Assert.Contains(files, f => f.Contains("_f64_", StringComparison.Ordinal));
        }
        // Adan reduces only when it clips: its other cases carry no tolerance and replay bit for bit.
        var exact = ReferenceCase.Load(Path.Combine(ProjectRoot, "adan", "adan_noprox_f32_s2.json"));
        Assert.Null(exact.Tolerance);
    }

    [Fact]
    public void The_replay_compares_prodigys_group_state_at_every_step()
    {
        int step = 0;
        var result = EditedCase.Run(Path.Combine(ProjectRoot, "prodigy", "prodigy_default_f32_s2.json"), json =>
        {
            var history = json["group_history"]!.AsArray();
            step = Enumerable.Range(0, history.Count).First(s => history[s]![0]!["d"] is not null);
            history[step]![0]!["d"] = history[step]![0]!["d"]!.GetValue<double>() * 10; // beyond the case's atol (1e-6) too: d is about 1e-6
        });
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.StartsWith($"after step {step + 1} group state 'd'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replay_compares_the_values_of_every_param_group()
    {
        // Adan's first step does not clip (the gradients are small), so the replay reaches the values after it.
        var result = EditedCase.Run(Path.Combine(ProjectRoot, "adan", "adan_clip_groups_f32_s2.json"), json => json["group_history"]![0]![1]!["step"] = 2);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.Equal("after step 1 param-group value 'step' of param group 1 of tensor 1: got 1, expected 2", result.Message);
    }

    /// <summary>
    /// fairseq writes each tensor's step size into group['lr']; the library writes no setting and keeps the weights'
    /// RMS per tensor instead. The last tensor's step size, computed from that state as fairseq does, is the lr fairseq
    /// left in the group.
    /// </summary>
    [Theory]
    [InlineData("adafactor_default_f32_s2.json")]
    [InlineData("adafactor_default_f64_s2.json")]
    [InlineData("adafactor_warmup_init_f32_s2.json")]
    [InlineData("adafactor_beta1_wd_f32_s2.json")]
    public void Fairseqs_written_back_lr_is_the_last_tensors_step_size(string file)
    {
        var reference = ReferenceCase.Load(Path.Combine(ProjectRoot, "adafactor", file));
        Assert.Equal(nameof(FairseqAdafactor), AuthorsCases.Optimizer(reference)!.Info.Name);
        var result = CaseRunner.Run(reference);
        Assert.Equal(ReplayStatus.Passed, result.Status);

        var settings = result.Output!["hyper"]!.AsObject();
        bool warmup = settings["warmup_init"]?.GetValue<bool>() ?? false;
        double eps2 = settings["eps"] is JsonArray eps ? eps[1]!.GetValue<double>() : 1e-3;
        int steps = reference.Grads.Count;
        double rms = result.Output["final_state"]!["1"]!["RMS"]!.GetValue<double>();
        double stepSize = Math.Max(eps2, rms) * Math.Min(warmup ? 1e-6 * steps : 1e-2, 1 / Math.Sqrt(steps));
        double written = reference.Json["final_group"]![0]!["lr"]!.GetValue<double>();
        Assert.Equal(written, stepSize, written * 1e-5);
    }

    private static IEnumerable<object[]> CasesIn(string root) =>
        Folders.SelectMany(folder => GoldenReplayTests.CasesIn(Path.Combine(root, folder), "*.json"));
}
