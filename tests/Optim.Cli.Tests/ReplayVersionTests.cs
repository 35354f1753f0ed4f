using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using ScratchOptim.Cli.Commands;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// <c>optim replay</c> reproduces the PyTorch release each case's <c>reference</c> names, says which one it used per
/// case, and sums up per release. The cases are the project's goldens (tests/Goldens), so no ../shared is needed.
/// </summary>
public class ReplayVersionTests
{
    private static readonly string Goldens = Path.Combine(
        typeof(ReplayVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "tests", "Goldens");

    [Fact]
    public void Each_case_is_replayed_with_the_release_it_names_and_the_summary_counts_per_release()
    {
        using var cases = new TempDirectory();
        using var output = new TempDirectory();
        File.Copy(Path.Combine(Goldens, "torch1.13", "nadam_plain_f32_s2.json"), cases.File("a_torch113.json"));
        File.Copy(Path.Combine(Goldens, "torch2", "nadam_plain_f32_s2.json"), cases.File("b_torch2.json"));
        File.Copy(Path.Combine(Goldens, "torch2", "nadam_plain_f64_s2.json"), cases.File("c_torch2_f64.json"));
        File.Copy(Path.Combine(Goldens, "classic", "heavy_ball_plain_f32_s2.json"), cases.File("d_classic.json"));

        var outcome = CliRunner.Run("replay", cases.Path, "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var rows = TableRows.All(outcome.Output);
        Assert.Equal(["nadam_plain_f32_s2", "NAdam", "PyTorch 1.13", "passed", "30 steps bit-exact"], rows[1]);
        Assert.Equal(["nadam_plain_f32_s2", "NAdam", "PyTorch 2.x", "passed", "30 steps bit-exact"], rows[2]);
        Assert.Equal(["nadam_plain_f64_s2", "NAdam", "PyTorch 2.x", "passed", "30 steps bit-exact"], rows[3]);
        Assert.Equal(["heavy_ball_plain_f32_s2", "HeavyBall", "—", "passed", "30 steps bit-exact"], rows[4]);
        Assert.Contains("\nPyTorch 1.13: 1 passed, 0 failed, 0 skipped\nPyTorch 2.x: 2 passed, 0 failed, 0 skipped\n"
            + "no PyTorch release named: 1 passed, 0 failed, 0 skipped\n4 passed, 0 failed, 0 skipped\n", outcome.Output);

        // The run's own record names the arithmetic it reproduced; the second case of the same name gets a file of its own.
        var first = JsonNode.Parse(File.ReadAllText(output.File("nadam_plain_f32_s2.json")))!;
        var second = JsonNode.Parse(File.ReadAllText(output.File("nadam_plain_f32_s2-2.json")))!;
        Assert.EndsWith(", NAdam (PyTorch 1.13 arithmetic)", (string)first["reference"]!);
        Assert.EndsWith(", NAdam (PyTorch 2.x arithmetic)", (string)second["reference"]!);
    }

    [Fact]
    public void A_2_x_case_replayed_with_1_13_arithmetic_fails_so_the_choice_is_real()
    {
        using var cases = new TempDirectory();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Goldens, "torch2", "rmsprop_centered_f32_s2.json")))!.AsObject();
        json["reference"] = "torch.optim.RMSprop, PyTorch 1.13 (Debian python3-torch)";
        File.WriteAllText(cases.File("relabelled.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", cases.File("relabelled.json"));

        Assert.Equal(ExitCodes.Failed, outcome.ExitCode);
        Assert.Equal("PyTorch 1.13", TableRows.Row(outcome.Output, "rmsprop_centered_f32_s2")[2]);
        Assert.Contains("PyTorch 1.13: 0 passed, 1 failed, 0 skipped", outcome.Output);
    }
}
