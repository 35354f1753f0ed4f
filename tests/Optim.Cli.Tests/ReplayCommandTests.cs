using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Replay;
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

    [Theory]
    [InlineData("final_state", """{"0": {"exp_avg": null}, "1": {}}""", "'final_state.0.exp_avg' holds null")]
    [InlineData("final_state", """{"0": {"exp_avg": "zero"}, "1": {}}""", "'final_state.0.exp_avg' holds a string")]
    [InlineData("final_state", """{"0": {"exp_avg": [[[1]]]}, "1": {}}""", "'final_state.0.exp_avg' holds a list nested too deep")]
    [InlineData("final_state", """[{}, {}]""", "'final_state' is not an object")]
    [InlineData("final_state", "null", "'final_state' is not an object")]
    [InlineData("final_state", """{"0": {}}""", "'final_state' has no entry for tensor 1")]
    [InlineData("final_state", """{"0": {}, "1": {}, "2": {}}""", "'final_state' has an entry '2'")]
    [InlineData("final_state", """{"0": 5, "1": {}}""", "'final_state.0' is not an object")]
    [InlineData("tolerance", "\"loose\"", "'tolerance' is not an object")]
    [InlineData("tolerance", "null", "'tolerance' is not an object")]
    [InlineData("tolerance", """{"rtol": 1e-4}""", "'tolerance.atol' holds null")]
    [InlineData("tolerance", """{"rtol": "tight", "atol": 0}""", "a value has the wrong type")]
    [InlineData("tolerance", """{"rtol": -1, "atol": 0}""", "'tolerance' needs finite, non-negative")]
    [InlineData("grads", "[]", "no steps")]
    [InlineData("shapes", "[]", "'shapes' lists no tensors")]
    [InlineData("shapes", "[[65536, 65536, 65536, 65536], [5, 7]]", "the shape of tensor 0 holds more than")]
    public void A_case_with_a_malformed_field_is_refused_as_corrupt_not_passed(string field, string value, string expected)
    {
        using var directory = new TempDirectory();
        var json = Json(AdamCase);
        json[field] = JsonNode.Parse(value);
        string path = directory.File("malformed.json");
        File.WriteAllText(path, json.ToJsonString());

        var outcome = CliRunner.Run("replay", path);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        string error = CliRunner.AssertOneLineError(outcome);
        Assert.Contains(path, error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_final_state_of_the_wrong_kind_is_a_failed_comparison_not_a_crash()
    {
        using var directory = new TempDirectory();
        var json = Json(AdamCase);
        json["final_state"]!["0"]!["exp_avg"] = 0.5;
        File.WriteAllText(directory.File("scalar.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", directory.File("scalar.json"));

        Assert.Equal(ExitCodes.Failed, outcome.ExitCode);
        Assert.Contains("final state 'exp_avg' of tensor 0 is a tensor; the reference has a number", outcome.Output);
    }

    [Theory]
    [InlineData("../../escaped", "_.._.._escaped.json")]
    [InlineData("/tmp/absolute", "_tmp_absolute.json")]
    [InlineData("..", "_...json")]
    [InlineData("nul\\u0000byte", "nul_byte.json")]
    [InlineData("", "_.json")]
    [InlineData("adam \\u001b[31mred", "adam___31mred.json")]
    public void A_result_is_written_only_inside_out_under_a_sanitized_name(string escapedName, string file)
    {
        using var directory = new TempDirectory();
        string cases = Path.Combine(directory.Path, "cases"), output = Path.Combine(directory.Path, "deep", "er", "out");
        Directory.CreateDirectory(cases);
        var json = Json(AdamCase);
        json["name"] = System.Text.RegularExpressions.Regex.Unescape(escapedName); // \uXXXX in the test's name, the character in the case
        File.WriteAllText(Path.Combine(cases, "case.json"), json.ToJsonString());

        var outcome = CliRunner.Run("replay", Path.Combine(cases, "case.json"), "--out", output);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal([Path.Combine(output, file)], Directory.GetFiles(directory.Path, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(cases)));
        Assert.DoesNotContain('\0', outcome.Output);
        Assert.DoesNotContain('\u001b', outcome.Output);
    }

    [Fact]
    public void Cases_of_the_same_name_get_results_of_their_own()
    {
        using var directory = new TempDirectory();
        string cases = Path.Combine(directory.Path, "cases");
        Directory.CreateDirectory(cases);
        File.Copy(AdamCase, Path.Combine(cases, "a.json"));
        File.Copy(AdamCase, Path.Combine(cases, "b.json"));

        var outcome = CliRunner.Run("replay", cases, "--out", directory.File("out"));

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal(["adam_plain_f32_s2-2.json", "adam_plain_f32_s2.json"],
            Directory.GetFiles(directory.File("out")).Select(Path.GetFileName).Order(System.StringComparer.Ordinal));
    }

    [Fact]
    public void Results_that_would_overwrite_a_case_being_replayed_are_refused_before_anything_is_written()
    {
        using var directory = new TempDirectory();
        string path = directory.File("adam_plain_f32_s2.json");
        File.Copy(AdamCase, path);
        var before = File.ReadAllBytes(path);

        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", directory.Path, "--out", directory.Path));

        Assert.Contains("would overwrite a case being replayed", error);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_endless_file_is_read_only_up_to_the_limit_and_refused()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", "/dev/zero"));

        Assert.Contains("/dev/zero", error);
        Assert.Contains($"larger than {CaseFile.MaxBytes >> 20} MiB", error);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_without_parsing_it()
    {
        using var directory = new TempDirectory();
        string path = directory.File("huge.json");
        using (var file = File.Create(path)) file.SetLength(CaseFile.MaxBytes + 1L); // sparse: no disk used

        string error = CliRunner.AssertOneLineError(CliRunner.Run("replay", path));

        Assert.Contains(path, error);
        Assert.Contains($"larger than {CaseFile.MaxBytes >> 20} MiB", error);
    }

    [Fact]
    public void A_file_at_the_size_limit_is_read()
    {
        using var directory = new TempDirectory();
        string path = directory.File("padded.json");
        byte[] content = File.ReadAllBytes(AdamCase);
        using (var file = File.Create(path))
        {
            file.Write(content);
            file.Write(System.Text.Encoding.ASCII.GetBytes(new string(' ', CaseFile.MaxBytes - content.Length)));
        }

        var outcome = CliRunner.Run("replay", path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("1 passed", outcome.Output);
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
