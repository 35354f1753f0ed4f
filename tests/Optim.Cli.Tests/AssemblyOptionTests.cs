using System;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using ScratchOptim.Cli.Assemblies;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// <c>--assembly</c>: optimizers declared in a user's assembly (tests/UserOptimizers: SignDescent, and FixedStep,
/// which has no <c>lr</c>), found through the registry the generator wrote, join list, show and race.
/// </summary>
public class AssemblyOptionTests
{
    /// <summary>The user's build output, copied beside the tests (with its dependency UserOptimizers.Support and its .deps.json).</summary>
    private static readonly string UserAssembly = Path.Combine(AppContext.BaseDirectory, "user-optimizers", "UserOptimizers.dll");

    [Fact]
    public void List_adds_the_assemblys_optimizers_in_order_of_invention_and_says_where_they_come_from()
    {
        var outcome = CliRunner.Run("list", "--assembly", UserAssembly);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal(["SignDescent", "2018", "sign", "0 B", "lr=1e-2", "—"], TableRows.Row(outcome.Output, "SignDescent"));
        Assert.Equal(["FixedStep", "2024", "sgd", "0 B", "step=0.1", "—"], TableRows.Row(outcome.Output, "FixedStep"));
        var names = TableRows.FirstCells(outcome.Output);
        Assert.True(Array.IndexOf(names, "Adam") < Array.IndexOf(names, "SignDescent"));
        Assert.True(Array.IndexOf(names, "SignDescent") < Array.IndexOf(names, "RAdam"));
        Assert.Equal(Catalog.All.Count + 2 + 1, names.Count(name => name.Length > 0)); // + the header; a long row may wrap onto a line with no first cell
        Assert.Contains("From UserOptimizers.dll: FixedStep, SignDescent.", outcome.Output);
    }

    [Fact]
    public void Show_explains_an_optimizer_of_the_assembly_with_its_lineage_among_the_built_ins()
    {
        var outcome = CliRunner.Run("show", "signdescent", "-a", UserAssembly);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.StartsWith("SignDescent (2018, sign)", outcome.Output);
        Assert.Contains("GradientDescent (1847) → SignDescent (2018)", outcome.Output);
        Assert.Contains("p = p - lr * Sign(g)", outcome.Output);
        Assert.Equal(["lr", "lr", "double", "1e-2", "[0, ∞)", "Learning rate: the length of every element's step."], TableRows.Row(outcome.Output, "lr"));
    }

    [Fact]
    public void Show_code_prints_what_the_generator_wrote_for_it()
    {
        var outcome = CliRunner.Run("show", "SignDescent", "--code", "--assembly", UserAssembly);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("partial class SignDescent", outcome.Output);
        Assert.Contains("namespace UserOptimizers", outcome.Output);
    }

    [Fact]
    public void Race_runs_an_optimizer_of_the_assembly_against_a_built_in()
    {
        var outcome = CliRunner.Run("race", "-l", "bowl", "-n", "50", "-o", "SignDescent:0.01", "adam", "--no-plots", "--assembly", UserAssembly);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        // 50 steps of 0.01 against the sign of the gradient, from (1, 1), in float32.
        var row = TableRows.Row(outcome.Output, "SignDescent");
        Assert.Equal(["SignDescent", "0.01"], row[..2]);
        Assert.Equal(0.5, double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture), 1e-5);
        Assert.Equal(["(0.5, 0.5)", "0.707", "—"], row[3..]);
        Assert.Equal("Adam", TableRows.Row(outcome.Output, "Adam")[0]);
    }

    [Fact]
    public void Without_optimizer_options_the_race_adds_every_optimizer_of_the_assembly_and_one_without_lr_is_refused()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("race", "-l", "bowl", "-n", "5", "--no-plots", "--assembly", UserAssembly));

        Assert.Equal("optim: FixedStep has no hyperparameter 'lr', the learning rate a race sets; only optimizers with one can race.", error);
    }

    [Fact]
    public void The_assembly_is_loaded_in_a_context_of_its_own_with_its_dependencies_and_shares_the_tools_runtime()
    {
        var own = OptimizerAssembly.Load(new FileInfo(UserAssembly));
        var signDescent = Catalog.Find("SignDescent", own)!;

        var weights = new Parameter<float>([1f, -2f]) { Grad = new float[] { 3f, -4f } };
        var optimizer = signDescent.Create([weights]);
        optimizer.Step();

        var context = AssemblyLoadContext.GetLoadContext(optimizer.GetType().Assembly)!;
        Assert.IsType<OptimizerLoadContext>(context);
        Assert.DoesNotContain(context.Assemblies, assembly => assembly.GetName().Name == "ScratchOptim.Runtime");
        // SignDescent.Number comes from UserOptimizers.Support, which only the user's folder has.
        Assert.Contains(context.Assemblies, assembly => assembly.GetName().Name == "UserOptimizers.Support");
        Assert.Equal(1, (int)optimizer.GetType().GetProperty("Number")!.GetValue(optimizer)!);
        Assert.Equal([1f - 1e-2f, -2f + 1e-2f], weights.Data.ToArray());
    }

    [Fact]
    public void An_optimizer_of_the_assembly_named_like_a_built_in_replaces_it()
    {
        var signDescent = Catalog.Find("SignDescent", OptimizerAssembly.Load(new FileInfo(UserAssembly)))!;
        var impostor = signDescent with { Info = signDescent.Info with { Name = "Adam" } };

        var optimizers = OptimizerAssembly.WithBuiltIns([impostor]);

        Assert.Equal(Catalog.All.Count, optimizers.Count);
        Assert.Same(impostor, Catalog.Find("adam", optimizers));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("show", "Adam")]
    [InlineData("race", "-l", "bowl", "--no-plots")]
    public void A_missing_file_is_refused_with_one_line(params string[] args)
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run([.. args, "--assembly", "/no/such/MyOptimizers.dll"]));

        Assert.Equal("optim: --assembly /no/such/MyOptimizers.dll: no such file.", error);
    }

    [Fact]
    public void A_file_that_is_not_a_dotnet_assembly_is_refused_with_one_line()
    {
        using var directory = new TempDirectory();
        string path = directory.File("MyOptimizers.dll");
        File.WriteAllText(path, "not an assembly");

        Assert.Equal($"optim: --assembly {path}: not a .NET assembly.", CliRunner.AssertOneLineError(CliRunner.Run("list", "--assembly", path)));
        string native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libSkiaSharp.so");
        Assert.Equal($"optim: --assembly {native}: not a .NET assembly.", CliRunner.AssertOneLineError(CliRunner.Run("list", "--assembly", native)));
    }

    [Fact]
    public void An_assembly_without_optimizers_is_refused_with_one_line()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "user-optimizers", "UserOptimizers.Support.dll");

        string error = CliRunner.AssertOneLineError(CliRunner.Run("show", "Adam", "--assembly", path));

        Assert.StartsWith($"optim: --assembly {path}: no optimizers in it: it has no {OptimizerAssembly.RegistryTypeName}", error);
    }

    [Fact]
    public void An_unknown_name_lists_the_assemblys_optimizers_too()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("show", "Nope", "--assembly", UserAssembly));

        Assert.Contains("Unknown optimizer 'Nope'", error);
        Assert.Contains("SignDescent", error);
    }
}
