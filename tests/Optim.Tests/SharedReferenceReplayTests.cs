using System.Collections.Generic;
using System.IO;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Replays the shared PyTorch 1.13 reference cases (../shared/reference/torch) bit for bit, as
/// <see cref="GoldenReplayTests"/> replays the committed goldens: an extra check that runs where that folder is
/// beside the repository (CI has it) and is reported as skipped, with the reason, where it is not (a fresh clone).
/// </summary>
public class SharedReferenceReplayTests
{
    public static string TorchCases => Path.Combine(Paths.SharedReference, "torch");

    public static IEnumerable<object[]> Cases() => GoldenReplayTests.CasesIn(TorchCases);

    [SharedReferenceTheory]
    [MemberData(nameof(Cases))]
    public void Shared_reference_case_replays_bit_exact(string file) => GoldenReplayTests.AssertPasses(file);
}

/// <summary>A theory over ../shared/reference/torch; skipped, saying so, when the folder is not there.</summary>
internal sealed class SharedReferenceTheoryAttribute : TheoryAttribute
{
    public SharedReferenceTheoryAttribute()
    {
        if (!Directory.Exists(SharedReferenceReplayTests.TorchCases))
            Skip = $"shared reference check not run: {SharedReferenceReplayTests.TorchCases} is not beside the repository (it is optional; CI has it)";
    }
}
