using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Replay;
using ScratchOptim.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ScratchOptim.Tests;

/// <summary>
/// The matrix optimizers against the authors' own code: the project's cases recorded from it with PyTorch 1.13 on this
/// machine's OpenBLAS (tests/Goldens/authors/{muon,soap}, made by tools/reference/make_matrix_authors_goldens.py), and the
/// shared authors' cases (SOAP's recorded on the reference BLAS and LAPACK: replayed exactly on those by
/// tests/Optim.ReferenceBlas.Tests, qualitatively here). torch.optim.Muon's goldens are replayed with the other
/// PyTorch 2.14 goldens (<see cref="GoldenReplayTests"/>) and its shared cases by <see cref="SharedReferenceReplayTests"/>.
/// Each replay writes its largest difference from the reference to the test output.
/// </summary>
public class MatrixReplayTests(ITestOutputHelper output)
{
    private static string Authors => Path.Combine(Paths.Goldens, "authors");

    public static IEnumerable<object[]> MuonCases() => GoldenReplayTests.CasesIn(Path.Combine(Authors, "muon"), "*.json");

    public static IEnumerable<object[]> SoapCases() => GoldenReplayTests.CasesIn(Path.Combine(Authors, "soap"), "*.json");

    public static IEnumerable<object[]> SharedSoapCases() =>
        GoldenReplayTests.CasesIn(Path.Combine(SharedReference.Directory, "authors", "soap"), "*.json");

    [Theory]
    [MemberData(nameof(MuonCases))]
    public void The_authors_Muon_with_auxiliary_Adam_replays_within_its_tolerance(string file)
    {
        GoldenReplayTests.AssertPasses(file, "PyTorch 1.13");
        output.WriteLine($"{Path.GetFileName(file)}: max |ours - authors'| = {MaxParameterDifference(file):e2}");
    }

    /// <summary>
    /// SOAP, every step's parameters within the case's tolerance and the final state too (<see cref="SoapCaseAssertions"/>).
    /// On this machine (the OpenBLAS the cases were recorded with) the parameters agree bit for bit or within a few float32
    /// ulps (normalize_grads: the root mean square is summed in double here).
    /// </summary>
    [Theory]
    [MemberData(nameof(SoapCases))]
    public void SOAP_replays_the_authors_code_within_its_tolerance(string file)
    {
        var reference = ReferenceCase.Load(file);
        double worst = SoapCaseAssertions.AssertReplaysWithinTolerance(reference);
        output.WriteLine($"{reference.Name}: max |ours - authors'| = {worst:e2}");
    }

    /// <summary>
    /// The shared SOAP cases were recorded on Netlib's reference BLAS and LAPACK, and their preconditioners start
    /// rank-deficient, so their eigenbases are LAPACK's choice there: on OpenBLAS the authors' own code differs from them
    /// by a third of a step, as this library does (it agrees with the authors' code on OpenBLAS; the test above). On the
    /// reference libraries this library reproduces them within their tolerance (tests/Optim.ReferenceBlas.Tests, a process
    /// of its own). What must hold on OpenBLAS too, does: the first step only builds the preconditioner (the parameters do
    /// not move), a tensor SOAP does not precondition follows the recording within its tolerance at every step, and every
    /// preconditioned one moves alike: its displacement from the start is as long as the recording's, within 10%, and
    /// points within 60° of it (measured: at most 21° for the matrices, 53° for the vector preconditioned by its
    /// outer product, whose eigenspace of 36 zero eigenvalues is LAPACK's to choose).
    /// </summary>
    [SharedReferenceTheory]
    [Trait("Category", SharedReference.Category)]
    [MemberData(nameof(SharedSoapCases))]
    public void A_shared_SOAP_case_agrees_where_it_does_not_depend_on_LAPACKs_choice_of_basis(string file)
    {
        var reference = ReferenceCase.Load(file);
        var result = CaseRunner.Run(reference);
        var steps = (JsonArray)result.Output!["params"]!;
        for (int t = 0; t < reference.Shapes.Count; t++)
        {
            Assert.Equal(reference.Param0[t], Numbers(steps[0]![t]));
            bool preconditioned = reference.FinalState[t.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["GG"]!.AsArray().Any(m => m!.AsArray().Count > 0);
            for (int step = 0; step < reference.Params.Count; step++)
            {
                double[] ours = Numbers(steps[step]![t]), theirs = reference.Params[step][t];
                if (!preconditioned)
                {
                    SoapCaseAssertions.AssertClose(reference, theirs, ours, $"step {step + 1}, tensor {t}");
                    continue;
                }
                if (step == 0) continue;
                double[] moved = Displacement(ours, reference.Param0[t]), recorded = Displacement(theirs, reference.Param0[t]);
                double angle = Math.Acos(Math.Min(1, Cosine(moved, recorded))) * 180 / Math.PI;
                double lengths = Math.Sqrt(moved.Sum(x => x * x) / recorded.Sum(x => x * x));
                Assert.True(angle <= 60 && Math.Abs(lengths - 1) <= 0.1,
                    $"{reference.Name} step {step + 1}, tensor {t}: the displacements are {angle:F1}° apart, their lengths in the ratio {lengths:F3}");
            }
        }
    }

    [Fact]
    public void A_SOAP_case_recorded_on_the_reference_LAPACK_says_how_to_replay_it_when_it_fails_here()
    {
        // Recorded on Netlib's libraries, whose bases of rank-deficient statistics OpenBLAS's LAPACK does not reproduce.
        var result = CaseRunner.Run(ReferenceCase.Load(Path.Combine(Paths.Goldens, "reference-blas", "soap", "soap_default_f32_s2.json")));
        const string note = " (SOAP's eigenbases come from the LAPACK library, here OpenBLAS's: a case recorded on Netlib's reference BLAS and LAPACK, as the shared SOAP cases are, replays with SCRATCHOPTIM_BLAS=reference)";
        if (ScratchOptim.LinearAlgebra.Blas.Provider == ScratchOptim.LinearAlgebra.BlasProvider.OpenBlas)
        {
            Assert.Equal(ReplayStatus.Failed, result.Status);
            Assert.EndsWith(note, result.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(ReplayStatus.Passed, result.Status);
        }
    }

    [Fact]
    public void Every_case_of_the_matrix_authors_folders_is_replayed()
    {
        Assert.Equal(["muon", "soap"], Directory.GetDirectories(Authors).Select(Path.GetFileName).Where(f => f is "muon" or "soap").Order());
        Assert.True(MuonCases().Count() >= 4 && SoapCases().Count() >= 7);
    }

    private static double MaxParameterDifference(string file)
    {
        var reference = ReferenceCase.Load(file);
        return SoapCaseAssertions.MaxParameterDifference(reference, CaseRunner.Run(reference).Output!);
    }

    private static double[] Displacement(double[] position, double[] start) => position.Zip(start, (a, b) => a - b).ToArray();

    private static double Cosine(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));

    private static double[] Numbers(JsonNode? node) => SoapCaseAssertions.Numbers(node);
}
