using System.IO;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Cli.Docs;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class DocsCommandTests
{
    [Fact]
    public void Docs_writes_the_rendered_markdown_to_optimizers_md_creating_the_directory()
    {
        using var directory = new TempDirectory();
        string target = Path.Combine(directory.Path, "nested", "docs");

        var outcome = CliRunner.Run("docs", "--out", target);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        string path = Path.Combine(target, "optimizers.md");
        Assert.Equal(OptimizerMarkdown.Render(Catalog.All.Select(e => e.Info)), File.ReadAllText(path));
        Assert.Equal($"Wrote {path} ({Catalog.All.Count} optimizers).\n", outcome.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_markdown_has_a_summary_row_and_a_section_with_equations_per_optimizer()
    {
        string markdown = OptimizerMarkdown.Render(Catalog.All.Select(e => e.Info));

        Assert.Contains("| [Adam](#adam) | 2014 | adaptive | 8–12 B | lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0, amsgrad=false, maximize=false, decoupledWeightDecay=false, pytorch=PyTorchVersion.V2 | `torch.optim.Adam` |", markdown);
        Assert.Contains("\n## Adam\n", markdown);
        Assert.Contains("builds on [RMSprop](#rmsprop)", markdown);
        Assert.Contains("```math\n\\begin{aligned}\n", markdown);
        Assert.Contains("| `vMax` | `max_exp_avg_sq` | one per element | 0 | 4 | amsgrad |", markdown);
        Assert.True(markdown.IndexOf("\n## GradientDescent\n", System.StringComparison.Ordinal) < markdown.IndexOf("\n## RAdam\n", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Docs_without_out_is_refused_with_one_line()
    {
        Assert.Contains("--out", CliRunner.AssertOneLineError(CliRunner.Run("docs")));
    }

    [Fact]
    public void An_unwritable_directory_is_refused_with_one_line_naming_it()
    {
        using var directory = new TempDirectory();
        string file = directory.File("not-a-directory");
        File.WriteAllText(file, "");

        var outcome = CliRunner.Run("docs", "--out", file);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains(file, CliRunner.AssertOneLineError(outcome));
    }
}
