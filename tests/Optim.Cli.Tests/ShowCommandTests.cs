using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class ShowCommandTests
{
    [Fact]
    public void Adam_shows_its_paper_lineage_update_hyperparameters_state_and_hoisted_values()
    {
        var outcome = CliRunner.Run("show", "Adam");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        string output = outcome.Output;
        Assert.StartsWith("Adam (2014, adaptive)\n", output);
        Assert.Contains("Adam: adaptive moment estimation.", output);
        Assert.Contains("Kingma, Ba, 2014: https://arxiv.org/abs/1412.6980", output);
        Assert.Contains("GradientDescent (1847) → SGD (1951) → Adagrad (2011) → RMSprop (2012) → Adam (2014); built on by Adamax (2014), NAdam (2016), AdamW (2017)", output);
        Assert.Contains("RAdam (2019)", output);
        Assert.Contains("torch.optim.Adam", output);
        Assert.Contains("8–12 B of state per float32 parameter element", output);
        Assert.Contains("\n  if (pytorch == PyTorchVersion.V1_13)\n      m = beta1 * m + (1 - beta1) * g\n  else\n      m = Lerp(m, g, 1 - beta1)\n", output);
        Assert.Contains("2.x by default, 1.13 with pytorch: PyTorchVersion.V1_13.", output);
        Assert.Contains("\n  p = p - stepSize * m / denom\n", output);

        Assert.Equal(["beta1", "betas[0]", "double", "0.9", "[0, 1)", "Decay rate of the running mean of gradients."], TableRows.Row(output, "beta1"));
        Assert.Equal(["amsgrad", "amsgrad", "bool", "false", "—", "Use the AMSGrad variant: divide by the largest second moment seen so far."], TableRows.Row(output, "amsgrad"));
        Assert.Equal(["v", "exp_avg_sq", "one per element", "0", "4", "always"], TableRows.Row(output, "v"));
        Assert.Equal(["vMax", "max_exp_avg_sq", "one per element", "0", "4", "amsgrad"], TableRows.Row(output, "vMax"));
        Assert.Equal(["stepSize", "lr / biasCorrection1"], TableRows.Row(output, "stepSize"));
        Assert.Equal(["biasCorrection2SqrtF", "(Element)(biasCorrection2Sqrt)"], TableRows.Row(output, "biasCorrection2SqrtF"));
        Assert.Equal(["pytorchIsV1_13", "pytorch == PyTorchVersion.V1_13"], TableRows.Row(output, "pytorchIsV1_13"));
    }

    [Fact]
    public void Every_hyperparameter_and_state_has_a_row()
    {
        foreach (var entry in Catalog.All)
        {
            var outcome = CliRunner.Run("show", entry.Info.Name);

            Assert.Equal(ExitCodes.Success, outcome.ExitCode);
            var firstCells = TableRows.FirstCells(outcome.Output);
            foreach (var hyper in entry.Info.Hyperparameters) Assert.Contains(hyper.Name, firstCells);
            foreach (var state in entry.Info.States) Assert.Contains(state.Name, firstCells);
            foreach (string line in entry.Info.Update) Assert.Contains("  " + line + "\n", outcome.Output);
        }
    }

    [Fact]
    public void An_optimizer_without_state_or_PyTorch_class_says_so()
    {
        var outcome = CliRunner.Run("show", "GradientDescent");

        Assert.Contains("None: the update needs nothing but the parameter and its gradient.", outcome.Output);
        Assert.Contains("no PyTorch equivalent", outcome.Output);
        Assert.Contains("strict: every operation rounded as written", outcome.Output);
    }

    [Theory]
    [InlineData("adamw", "AdamW")]
    [InlineData("ADAM", "Adam")]
    [InlineData("torch.optim.RMSprop", "RMSprop")]
    [InlineData("Rprop", "Rprop")]
    public void Names_are_matched_ignoring_case_and_by_PyTorch_class(string asked, string shown)
    {
        var outcome = CliRunner.Run("show", asked);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.StartsWith(shown + " (", outcome.Output);
    }

    [Fact]
    public void Code_prints_the_generated_source_as_it_is()
    {
        var outcome = CliRunner.Run("show", "sgd", "--code");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        string source = Catalog.Find("SGD")!.GeneratedSource;
        Assert.Equal(source.EndsWith('\n') ? source : source + "\n", outcome.Output.ReplaceLineEndings("\n"));
        Assert.Contains("partial class SGD", outcome.Output);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_one_line_listing_the_known_names()
    {
        var outcome = CliRunner.Run("show", "NoSuchOptimizer");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        string error = CliRunner.AssertOneLineError(outcome);
        Assert.Contains("Unknown optimizer 'NoSuchOptimizer'", error);
        foreach (var entry in Catalog.All) Assert.Contains(entry.Info.Name, error);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("show", "Adam", "SGD")]
    [InlineData("show", "Adam", "--cod")]
    public void Bad_input_is_refused_with_one_line(params string[] args)
    {
        Assert.Equal(ExitCodes.InvalidInput, CliRunner.Run(args).ExitCode);
        CliRunner.AssertOneLineError(CliRunner.Run(args));
    }
}
