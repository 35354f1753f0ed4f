using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Cli.Commands;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class ReplayCommandTests
{
    /// <summary>A committed golden (tests/Goldens/torch): the suite's own data, present in every clone.</summary>
    private static readonly string AdamCase = Paths.Golden("adam_plain_f32_s2.json");

    [Fact]
    public void Replaying_an_Adam_golden_passes_and_writes_the_reference_parameters()
    {
        using var output = new TempDirectory();

        var outcome = CliRunner.Run("replay", AdamCase, "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("1 passed, 0 failed, 0 skipped", outcome.Output);
        var written = Json(output.File("adam_plain_f32_s2.json"));
        var reference = Json(AdamCase);
        Assert.Equal(Numbers(reference["params"]), Numbers(written["params"]));
        Assert.Equal(Numbers(reference["final_state"]!["0"]!["exp_avg_sq"]), Numbers(written["final_state"]!["0"]!["exp_avg_sq"]));
    }

    [Fact]
    public void A_case_whose_optimizer_the_library_lacks_is_skipped_not_fatal()
    {
        using var directory = new TempDirectory();
        var json = Json(AdamCase);
        json["optimizer"] = "Nope";
        File.WriteAllText(directory.File("nope.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", directory.File("nope.json"));

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("skipped", outcome.Output);
        Assert.Contains("0 passed, 0 failed, 1 skipped", outcome.Output);
    }

    [Fact]
    public void A_case_that_differs_from_the_library_fails_with_exit_code_1()
    {
        using var directory = new TempDirectory();
        var json = Json(AdamCase);
        var firstValue = json["params"]![0]![0]![0]!;
        json["params"]![0]![0]![0] = firstValue.GetValue<double>() + 1;
        File.WriteAllText(directory.File("tampered.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", directory.File("tampered.json"));

        Assert.Equal(ExitCodes.Failed, outcome.ExitCode);
        Assert.Contains("step 1, tensor 0, element 0", outcome.Output);
        Assert.Contains("0 passed, 1 failed, 0 skipped", outcome.Output);
    }

    [Fact]
    public void A_directory_is_replayed_case_by_case_in_name_order()
    {
        using var directory = new TempDirectory();
        File.Copy(Paths.Golden("sgd_plain_f32_s2.json"), directory.File("b.json"));
        File.Copy(AdamCase, directory.File("a.json"));
        File.WriteAllText(directory.File("notes.txt"), "not a case");

        var outcome = CliRunner.Run("replay", directory.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("2 passed, 0 failed, 0 skipped", outcome.Output);
        Assert.True(outcome.Output.IndexOf("adam_plain_f32_s2") < outcome.Output.IndexOf("sgd_plain_f32_s2"));
    }

    [Fact]
    public void Every_committed_torch_golden_passes_and_its_result_is_written()
    {
        using var output = new TempDirectory();
        string goldens = Path.GetDirectoryName(AdamCase)!;
        int count = Directory.GetFiles(goldens, "*.json").Length;

        var outcome = CliRunner.Run("replay", goldens, "--out", output.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains($"{count} passed, 0 failed, 0 skipped", outcome.Output);
        Assert.Equal(count, Directory.GetFiles(output.Path, "*.json").Length);
    }

    [Fact]
    public void A_corrupt_case_file_is_refused_with_one_line_naming_the_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("truncated.json");
        File.WriteAllText(path, File.ReadAllText(AdamCase)[..500]);

        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", path));

        Assert.Contains(path, error);
    }

    [Fact]
    public void A_case_whose_tensors_do_not_match_its_shapes_is_refused_as_corrupt()
    {
        using var directory = new TempDirectory();
        var json = Json(AdamCase);
        json["grads"]![3]![1]!.AsArray().RemoveAt(0);
        string path = directory.File("short_gradient.json");
        File.WriteAllText(path, json.ToJsonString());

        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", path));

        Assert.Contains(path, error);
        Assert.Contains("'grads' has 34 values for tensor 1", error);
    }

    [Fact]
    public void A_case_with_a_string_where_a_number_belongs_is_refused_as_corrupt()
    {
        using var directory = new TempDirectory();
        var json = Json(AdamCase);
        json["param0"]![0]![0] = "zero";
        string path = directory.File("string.json");
        File.WriteAllText(path, json.ToJsonString());

        Assert.Contains(path, CliRunner.AssertOneLineError(CliRunner.Run("replay", path)));
    }

    [Fact]
    public void A_missing_file_is_refused_with_one_line()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", "/no/such/case.json"));

        Assert.Contains("/no/such/case.json", error);
    }

    [Fact]
    public void A_directory_without_cases_is_refused_with_one_line()
    {
        using var directory = new TempDirectory();

        Assert.Contains(directory.Path, CliRunner.AssertOneLineError(CliRunner.Run("replay", directory.Path)));
    }

    private static JsonObject Json(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    /// <summary>Every number in a nested array, in order.</summary>
    private static double[] Numbers(JsonNode? node) => node switch
    {
        JsonArray array => array.SelectMany(Numbers).ToArray(),
        JsonValue value => [value.GetValue<double>()],
        _ => [],
    };
}
