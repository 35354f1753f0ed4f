using System;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>The tool as a process whose output goes to a pipe: tables unwrapped, bad input one line, never a stack trace.</summary>
public class ToolProcessTests
{
    [Fact]
    public void Piped_list_keeps_every_row_on_one_line()
    {
        var outcome = ToolProcess.Run("list");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var rows = TableRows.All(outcome.Output);
        // Header and one row per optimizer; a wrapped row would add lines whose first cell is empty.
        Assert.Equal(1 + Catalog.All.Count, rows.Length);
        Assert.All(rows, cells => Assert.NotEqual("", cells[0]));
        Assert.Contains("stepSizeMin=1e-6", TableRows.Row(outcome.Output, "Rprop")[4]);
    }

    [Fact]
    public void Piped_show_keeps_each_hyperparameter_on_one_line()
    {
        var outcome = ToolProcess.Run("show", "rprop");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        foreach (var hyper in Catalog.Find("Rprop")!.Info.Hyperparameters)
            Assert.Equal(hyper.Description, TableRows.Row(outcome.Output, hyper.Name)[5]);
    }

    [Theory]
    [InlineData("race", "-l", "beale", "--start", "1e308,1e308")]
    [InlineData("race", "--steps", "2147483647")]
    [InlineData("race", "--steps", "200000000")]
    [InlineData("replay", "/dev/zero")]
    [InlineData("show", "--assembly", "/no/such/Optimizers.dll", "Adam")]
    public void Bad_input_ends_the_process_with_one_line_and_no_stack_trace(params string[] args)
    {
        var outcome = ToolProcess.Run(args);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.DoesNotContain("Unhandled exception", outcome.Error);
        Assert.DoesNotContain("   at ", outcome.Error);
        CliRunner.AssertOneLineError(outcome);
    }
}
