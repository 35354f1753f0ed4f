using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using ScratchOptim.Cli.Commands;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary><c>optim replay</c> on scheduler, clipping and averaging cases (their <c>kind</c>), from the committed goldens.</summary>
public class TrainingReplayCommandTests
{
    private static readonly string Goldens = Path.Combine(
        typeof(TrainingReplayCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "tests", "Goldens");

    private static string Golden(string kind, string name) => Path.Combine(Goldens, "training", kind, name);

    private static JsonObject Json(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    [Fact]
    public void Scheduler_cases_pass_and_their_records_hold_the_reference_learning_rates()
    {
        using var output = new TempDirectory();

        var outcome = CliRunner.Run("replay", Path.Combine(Goldens, "training", "schedulers"), "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        int count = Directory.GetFiles(Path.Combine(Goldens, "training", "schedulers")).Length;
        Assert.Contains($"{count} passed, 0 failed, 0 skipped", outcome.Output);
        Assert.Contains("CosineAnnealingWarmRestarts", outcome.Output);
        var reference = Json(Golden("schedulers", "cycliclr_exp_range_adam_own.json"));
        var written = Json(output.File("cycliclr_exp_range_adam_own.json"));
        Assert.True(JsonNode.DeepEquals(reference["lrs"], written["lrs"]));
        Assert.True(JsonNode.DeepEquals(reference["momentums"], written["momentums"]));
        Assert.True(JsonNode.DeepEquals(reference["resume"]!["lrs_after"], written["resume"]!["lrs_after"]));
        Assert.StartsWith("ScratchOptim.Training", written["reference"]!.GetValue<string>());
    }

    [Fact]
    public void A_scheduler_case_that_differs_fails_naming_the_step_and_group()
    {
        using var directory = new TempDirectory();
        var json = Json(Golden("schedulers", "steplr_own.json"));
        json["lrs"]![3]![1] = 0.5;
        File.WriteAllText(directory.File("tampered.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", directory.File("tampered.json"));

        Assert.Equal(ExitCodes.Failed, outcome.ExitCode);
        Assert.Contains("lrs[3][1]: got 0.02, expected 0.5", outcome.Output);
        Assert.Contains("0 passed, 1 failed, 0 skipped", outcome.Output);
    }

    [Fact]
    public void Clipping_cases_write_the_clipped_gradients_and_the_total_norm()
    {
        using var output = new TempDirectory();
        string name = "clip_grad_norm_norm2_many_f32_s2.json";

        var outcome = CliRunner.Run("replay", Golden("clipping", name), "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("1 passed, 0 failed, 0 skipped", outcome.Output);
        var reference = Json(Golden("clipping", name));
        var written = Json(output.File(name));
        Assert.True(JsonNode.DeepEquals(reference["clipped"], written["clipped"]));
        Assert.Equal(reference["total_norm"]!.GetValue<double>(), written["total_norm"]!.GetValue<double>());
        Assert.True(JsonNode.DeepEquals(reference["per_tensor_norms"], written["per_tensor_norms"]));
    }

    [Fact]
    public void Clipping_cases_on_a_model_of_float_and_double_parameters_pass_and_keep_the_missing_gradients()
    {
        using var output = new TempDirectory();
        string folder = Path.Combine(Goldens, "training", "parameters");

        var outcome = CliRunner.Run("replay", folder, "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains($"{Directory.GetFiles(folder).Length} passed, 0 failed, 0 skipped", outcome.Output);
        string name = "clip_grad_norm_norm2_mixed_some_grads_s2.json";
        var reference = Json(Path.Combine(folder, name));
        var written = Json(output.File(name));
        Assert.True(JsonNode.DeepEquals(reference["clipped"], written["clipped"]));
        Assert.Null(written["clipped"]![2]);
        Assert.Equal(reference["total_norm"]!.GetValue<double>(), written["total_norm"]!.GetValue<double>());
    }

    [Fact]
    public void A_parameter_clipping_case_with_a_gradient_where_torch_had_none_fails_naming_the_tensor()
    {
        using var directory = new TempDirectory();
        var json = Json(Golden("parameters", "clip_grad_value_mixed_s2.json"));
        json["clipped"]![2] = new JsonArray(0.0);
        File.WriteAllText(directory.File("tampered.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", directory.File("tampered.json"));

        Assert.Equal(ExitCodes.Failed, outcome.ExitCode);
        Assert.Contains("clipped[2]: no gradient, expected one", outcome.Output);
    }

    [Fact]
    public void A_directory_of_optimizer_and_training_cases_replays_both()
    {
        using var directory = new TempDirectory();
        File.Copy(Path.Combine(Goldens, "torch1.13", "adam_plain_f32_s2.json"), directory.File("adam.json"));
        File.Copy(Golden("schedulers", "onecyclelr_own.json"), directory.File("onecycle.json"));
        File.Copy(Golden("averaging", "swa_f32_s2.json"), directory.File("swa.json"));

        var outcome = CliRunner.Run("replay", directory.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("1 passed, 0 failed, 0 skipped", outcome.Output);
        Assert.Contains("2 passed, 0 failed, 0 skipped", outcome.Output);
        Assert.Contains("OneCycleLR", outcome.Output);
    }

    [Fact]
    public void A_case_of_an_unknown_kind_is_refused_as_bad_input()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("odd.json"), """{"name":"odd","kind":"lr_warmup"}""");

        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", directory.File("odd.json")));

        Assert.Contains("unknown kind \"lr_warmup\"", error);
    }
}
