using System;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class ListCommandTests
{
    [Fact]
    public void Every_optimizer_has_one_row_in_order_of_invention()
    {
        var outcome = CliRunner.Run("list");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        var names = TableRows.FirstCells(outcome.Output).Where(cell => Catalog.Find(cell) is not null).ToArray();
        Assert.Equal(Catalog.All.Count, names.Length);
        var years = names.Select(name => Catalog.Find(name)!.Info.Year).ToArray();
        Assert.Equal(years.Order(), years);
        Assert.Equal("GradientDescent", names[0]);
        Assert.True(Array.IndexOf(names, "HeavyBall") < Array.IndexOf(names, "NesterovMomentum"));
        Assert.True(Array.IndexOf(names, "Adam") < Array.IndexOf(names, "AdamW"));
    }

    [Fact]
    public void The_Adam_row_shows_year_family_memory_defaults_and_the_PyTorch_class()
    {
        var outcome = CliRunner.Run("list");

        Assert.Equal(
            ["Adam", "2014", "adaptive", "8–12 B", "lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0, amsgrad=false, maximize=false, decoupledWeightDecay=false, pytorch=PyTorchVersion.V2", "Adam"],
            TableRows.Row(outcome.Output, "Adam"));
    }

    [Fact]
    public void Optimizers_without_state_or_a_PyTorch_class_show_it()
    {
        var outcome = CliRunner.Run("list");

        Assert.Equal(["GradientDescent", "1847", "sgd", "0 B", "lr=1e-3", "—"], TableRows.Row(outcome.Output, "GradientDescent"));
        Assert.Equal("0–4 B", TableRows.Row(outcome.Output, "SGD")[3]);
    }

    [Fact]
    public void List_takes_no_arguments()
    {
        CliRunner.AssertOneLineError(CliRunner.Run("list", "Adam"));
    }
}
