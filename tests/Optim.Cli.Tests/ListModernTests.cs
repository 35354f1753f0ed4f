using ScratchOptim.Cli.Commands;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary><c>optim list</c> for the optimizers matched to their authors' code rather than to torch.optim.</summary>
public class ListModernTests
{
    [Fact]
    public void An_authors_class_shows_without_its_module_and_show_names_the_module()
    {
        var list = CliRunner.Run("list");
        var show = CliRunner.Run("show", "AdaBelief");

        Assert.Equal(ExitCodes.Success, list.ExitCode);
        Assert.Equal("AdaBelief", TableRows.Row(list.Output, "AdaBelief")[^1]);
        Assert.Equal("ADOPT", TableRows.Row(list.Output, "ADOPT")[^1]);
        Assert.Contains("adabelief_pytorch.AdaBelief", show.Output);
    }
}
