using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScratchOptim.Replay;
using ScratchOptim.Testing;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// Replays every scheduler, clipping and averaging case, the project's own (tests/Goldens/training, made by
/// tools/reference/make_training_goldens.py with PyTorch 2.14) and the shared ones (../shared/reference/torch2, when
/// present; skipped, saying why, when not): every learning rate, momentum, norm, clipped gradient and average must be
/// PyTorch's, bit for bit, and a resumed scheduler must continue as PyTorch's does.
/// </summary>
public class GoldenTests
{
    public static IEnumerable<object[]> ProjectSchedulerCases() => Cases(Path.Combine(Paths.Goldens, "schedulers"), required: true);

    public static IEnumerable<object[]> ProjectClippingCases() => Cases(Path.Combine(Paths.Goldens, "clipping"), required: true);

    public static IEnumerable<object[]> ProjectAveragingCases() => Cases(Path.Combine(Paths.Goldens, "averaging"), required: true);

    public static IEnumerable<object[]> SharedSchedulerCases() => Cases(Path.Combine(SharedReference.Directory, "torch2", "schedulers"), required: false);

    public static IEnumerable<object[]> SharedClippingCases() => Cases(Path.Combine(SharedReference.Directory, "torch2", "clipping"), required: false);

    [Theory]
    [MemberData(nameof(ProjectSchedulerCases))]
    public void Project_scheduler_case_matches_PyTorch(string file) => AssertPasses(file);

    [Theory]
    [Trait("Category", "Kernels")]
    [MemberData(nameof(ProjectClippingCases))]
    public void Project_clipping_case_matches_PyTorch(string file) => AssertPasses(file);

    [Theory]
    [Trait("Category", "Kernels")]
    [MemberData(nameof(ProjectAveragingCases))]
    public void Project_averaging_case_matches_PyTorch(string file) => AssertPasses(file);

    [SharedReferenceTheory]
    [Trait("Category", SharedReference.Category)]
    [MemberData(nameof(SharedSchedulerCases))]
    public void Shared_scheduler_case_matches_PyTorch(string file) => AssertPasses(file);

    [SharedReferenceTheory]
    [Trait("Category", "Kernels")]
    [Trait("Category", SharedReference.Category)]
    [MemberData(nameof(SharedClippingCases))]
    public void Shared_clipping_case_matches_PyTorch(string file) => AssertPasses(file);

    [Fact]
    public void Every_scheduler_class_of_PyTorch_and_SWALR_has_a_project_golden()
    {
        string[] classes =
        [
            "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "SequentialLR",
            "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
            "PolynomialLR", "SWALR",
        ];
        var covered = Directory.GetFiles(Path.Combine(Paths.Goldens, "schedulers"), "*.json")
            .Select(file => TrainingCase.Load(file).Subject).ToHashSet();
        foreach (string name in classes) Assert.Contains(name, covered);
    }

    [Fact]
    public void Every_clipping_kind_and_both_dtypes_have_project_goldens()
    {
        var covered = Directory.GetFiles(Path.Combine(Paths.Goldens, "clipping"), "*.json")
            .Select(TrainingCase.Load)
            .Select(c => (c.Kind, Dtype: c.Json["dtype"]!.GetValue<string>()))
            .ToHashSet();
        foreach (string kind in new[] { "clip_grad_norm", "clip_grad_value", "get_total_norm", "clip_grads_with_norm" })
            foreach (string dtype in new[] { "float32", "float64" })
                Assert.Contains((kind, dtype), covered);
    }

    private static void AssertPasses(string file)
    {
        var reference = TrainingCase.Load(file);
        var result = TrainingCaseRunner.Run(reference);
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
    }

    private static IEnumerable<object[]> Cases(string directory, bool required)
    {
        if (!Directory.Exists(directory))
        {
            if (required) throw new DirectoryNotFoundException($"The project's goldens are missing: {directory}");
            return [];
        }
        return Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(file => new object[] { file });
    }
}
