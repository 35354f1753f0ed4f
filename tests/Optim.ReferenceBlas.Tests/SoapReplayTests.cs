using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScratchOptim.Replay;
using ScratchOptim.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ScratchOptim.ReferenceBlas.Tests;

/// <summary>
/// SOAP on the reference BLAS and LAPACK against the authors' code run on the same libraries (PyTorch 1.13 with Debian's
/// libblas3 and liblapack3 in place of OpenBLAS): every parameter after every step and the final state, within the
/// case's tolerance. The shared cases (../shared/reference/authors/soap) were recorded that way, and their preconditioners
/// start rank-deficient, so that their eigenbases are LAPACK's choice: on these libraries SOAP reproduces them, which on
/// OpenBLAS it only can qualitatively (tests/Optim.Tests, MatrixReplayTests). The project's own cases
/// (tests/Goldens/reference-blas/soap, tools/reference/make_matrix_authors_goldens.py under the reference libraries) make
/// the same check on a fresh clone. Each replay writes its largest difference to the test output.
/// </summary>
public class SoapReplayTests(ITestOutputHelper output)
{
    private static string ProjectCases => Path.Combine(
        typeof(SoapReplayTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "tests", "Goldens", "reference-blas", "soap");

    private static string SharedCases => Path.Combine(SharedReference.Directory, "authors", "soap");

    public static IEnumerable<object[]> ProjectSoapCases() => CasesIn(ProjectCases);

    public static IEnumerable<object[]> SharedSoapCases() => CasesIn(SharedCases);

    [Theory]
    [MemberData(nameof(ProjectSoapCases))]
    public void SOAP_replays_the_project_cases_recorded_on_the_reference_libraries(string file) => Replay(file);

    [SharedReferenceTheory]
    [Trait("Category", SharedReference.Category)]
    [MemberData(nameof(SharedSoapCases))]
    public void SOAP_replays_a_shared_case_within_its_tolerance(string file) => Replay(file);

    [Fact]
    public void Every_SOAP_configuration_of_the_recording_script_has_a_reference_case()
    {
        string[] stems = Directory.GetFiles(ProjectCases, "*.json").Select(Path.GetFileName).OfType<string>().Order().ToArray();
        Assert.Equal(["soap_1d_normalize_f32_s2.json", "soap_default_f32_s2.json", "soap_max_precond_dim_f32_s2.json",
            "soap_merge_dims_f32_s2.json", "soap_square_f32_s2.json", "soap_square_normalize_f32_s2.json",
            "soap_square_options_f32_s2.json"], stems);
    }

    private void Replay(string file)
    {
        var reference = ReferenceCase.Load(file);
        double worst = SoapCaseAssertions.AssertReplaysWithinTolerance(reference);
        output.WriteLine($"{reference.Name}: max |ours - authors'| = {worst:e2} over {reference.Params.Count} steps");
    }

    private static IEnumerable<object[]> CasesIn(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.json").Order(System.StringComparer.Ordinal).Select(f => new object[] { f })
            : [];
}
