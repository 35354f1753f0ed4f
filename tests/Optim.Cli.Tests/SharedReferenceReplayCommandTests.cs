using System.IO;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Testing;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// <c>optim replay</c> over the shared PyTorch 1.13 reference cases (../shared/reference/torch): an extra check that
/// runs where that folder is beside the repository (CI has it) and is reported as skipped, with the reason, where it
/// is not (a fresh clone). The suite's own replay tests use the committed goldens (<see cref="ReplayCommandTests"/>).
/// </summary>
[Trait("Category", SharedReference.Category)]
public class SharedReferenceReplayCommandTests
{
    [SharedReferenceFact]
    public void Every_shared_torch_case_passes_or_is_skipped_and_SGD_Adam_AdamW_all_pass()
    {
        using var output = new TempDirectory();

        var outcome = CliRunner.Run("replay", Path.Combine(SharedReference.Directory, "torch"), "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains(" 0 failed, ", outcome.Output);
        foreach (var name in new[] { "sgd_plain_f32_s1", "adam_amsgrad_wd_f32_s1", "adamw_amsgrad_f32_s1" })
            Assert.True(File.Exists(output.File(name + ".json")), name);
    }
}
