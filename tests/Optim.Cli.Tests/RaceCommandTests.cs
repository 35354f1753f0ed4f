using System;
using System.Globalization;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Race;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class RaceCommandTests
{
    [Fact]
    public void The_default_race_runs_four_optimizers_on_least_squares_and_beale()
    {
        using var plots = new TempDirectory();

        var outcome = CliRunner.Run("race", "--plots", plots.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.Contains("least-squares", outcome.Output);
        Assert.Contains("1000 steps", outcome.Output);
        Assert.Contains("beale", outcome.Output);
        foreach (var racer in new[] { "│ SGD ", "│ SGD+momentum ", "│ Adam ", "│ AdamW " })
            Assert.Equal(2, Occurrences(outcome.Output, racer));
        foreach (var name in new[] { "least-squares-paths.png", "least-squares-loss.png", "beale-paths.png", "beale-loss.png" })
        {
            Assert.True(File.Exists(plots.File(name)), name);
            Assert.Contains(plots.File(name), outcome.Output);
        }
    }

    [Fact]
    public void A_learning_rate_after_the_name_overrides_the_tuned_one()
    {
        var outcome = CliRunner.Run("race", "--landscape", "bowl", "--optimizer", "SGD:0.125", "--steps", "3", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("│ 0.125 │", outcome.Output);
        Assert.Contains("3 steps", outcome.Output);
    }

    [Fact]
    public void Options_take_several_values_at_once()
    {
        var outcome = CliRunner.Run("race", "-l", "bowl", "ravine", "-o", "Adam", "SGD", "-n", "10", "--start", "-1,0.5", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("bowl: x² + y², 10 steps from (-1, 0.5)", outcome.Output);
        Assert.Contains("ravine: 50x² + y², 10 steps from (-1, 0.5)", outcome.Output);
    }

    [Fact]
    public void The_saddle_shows_a_dash_for_the_distance()
    {
        var outcome = CliRunner.Run("race", "-l", "saddle", "-o", "SGD", "-n", "10", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var cells = Row(outcome.Output, "SGD");
        Assert.Equal("—", cells[4]);
        Assert.Equal("—", cells[5]);
        Assert.Contains("no minimum", outcome.Output);
    }

    [Theory]
    [InlineData("race", "--landscape", "nope")]
    [InlineData("race", "--optimizer", "Nope")]
    [InlineData("race", "--optimizer", "Adam:fast")]
    [InlineData("race", "--optimizer", "Adam:-0.1")]
    [InlineData("race", "--steps", "many")]
    [InlineData("race", "--steps", "0")]
    [InlineData("race", "--start", "1,x")]
    [InlineData("race", "--clip", "-1")]
    [InlineData("race", "--landscape", "beale", "--start", "1,2,3")]
    [InlineData("race", "--unknown")]
    [InlineData("race", "--plots", "/tmp", "--no-plots")]
    [InlineData("race", "-l", "beale", "--start", "1e308,1e308")]
    [InlineData("race", "-l", "beale", "--start", "1000001,0")]
    [InlineData("race", "--steps", "2147483647")]
    [InlineData("race", "--steps", "200000000")]
    [InlineData("race", "--steps", "100001")]
    [InlineData("race", "--steps", "99999999999999999999")]
    [InlineData("race", "--steps", "00")]
    [InlineData("frobnicate")]
    public void Bad_input_is_refused_with_one_line(params string[] args)
    {
        CliRunner.AssertOneLineError(CliRunner.Run(args));
    }

    [Fact]
    public void The_error_names_what_was_wrong()
    {
        Assert.Contains("'nope'", CliRunner.AssertOneLineError(CliRunner.Run("race", "-l", "nope")));
        Assert.Contains("'fast'", CliRunner.AssertOneLineError(CliRunner.Run("race", "-o", "Adam:fast")));
        Assert.Contains("--steps", CliRunner.AssertOneLineError(CliRunner.Run("race", "-n", "many")));
    }

    [Fact]
    public void The_errors_for_steps_and_start_say_what_the_limits_are()
    {
        Assert.Contains("more than 100,000", CliRunner.AssertOneLineError(CliRunner.Run("race", "--steps", "2147483647")));
        Assert.Contains("outside ±1e6", CliRunner.AssertOneLineError(CliRunner.Run("race", "-l", "beale", "--start", "1e308,1e308")));
        Assert.Contains($"at most {RaceSettings.MaxSteps:N0}", CliRunner.Run("race", "--help").Output);
    }

    [Fact]
    public void A_race_of_the_most_steps_runs()
    {
        var outcome = CliRunner.Run("race", "-l", "bowl", "-o", "SGD", "-n", RaceSettings.MaxSteps.ToString(CultureInfo.InvariantCulture), "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains($"{RaceSettings.MaxSteps} steps", outcome.Output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("race", "--help")]
    [InlineData("replay", "--help")]
    [InlineData("list", "--help")]
    [InlineData("show", "--help")]
    [InlineData("docs", "--help")]
    public void Every_command_has_help(params string[] args)
    {
        var outcome = CliRunner.Run(args);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("Usage:", outcome.Output);
    }

    [Fact]
    public void No_plots_writes_no_pictures_and_says_none()
    {
        var outcome = CliRunner.Run("race", "-l", "bowl", "-o", "SGD", "-n", "3", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.DoesNotContain("Pictures:", outcome.Output);
    }

    [Fact]
    public void The_help_says_where_the_pictures_go_by_default()
    {
        var outcome = CliRunner.Run("race", "--help");

        Assert.Contains("--plots", outcome.Output);
        Assert.Contains("--no-plots", outcome.Output);
        Assert.Contains(RaceCommand.DefaultPlotDirectory, outcome.Output);
    }

    [Fact]
    public void A_plot_directory_that_cannot_be_created_is_refused_with_one_line()
    {
        using var directory = new TempDirectory();
        string file = directory.File("a-file");
        File.WriteAllText(file, "");

        var outcome = CliRunner.Run("race", "-l", "bowl", "-o", "SGD", "-n", "3", "--plots", file);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains(file, CliRunner.AssertOneLineError(outcome));
    }

    /// <summary>The trimmed cells of the table row whose first cell is <paramref name="label"/>.</summary>
    private static string[] Row(string output, string label) =>
        output.Split('\n')
            .Select(line => line.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .First(cells => cells.Length > 0 && cells[0] == label);

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
