using System;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Optimizers;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// Every racer either races with a learning rate of its own or is refused, before any race, with a sentence that names
/// it and says why (<see cref="RacerSelection.Refusal"/>): the CLI prints it, the page lists it.
/// </summary>
public class RaceRefusalTests
{
    [Fact]
    public void Muon_is_refused_by_the_cli_on_a_vector_landscape_because_it_takes_matrices_only()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("race", "-l", "bowl", "-o", "Adam", "Muon", "-n", "5", "--no-plots"));

        Assert.Equal("optim: Muon cannot race on bowl: Muon takes 2-D parameters, and a position on bowl is a vector of 2 (1-D); " +
            "it races on matrix-least-squares.", error);
    }

    [Fact]
    public void Every_racer_of_the_library_but_Muon_races_at_its_own_default_learning_rate()
    {
        var refused = RacerCatalog.Names.Select(name => new RacerSelection(RacerCatalog.Find(name)!, null))
            .Where(selection => selection.Refusal() is not null).Select(selection => selection.Racer.Label);

        Assert.Equal(["Muon"], refused);
        Assert.All(RacerCatalog.Names.Where(name => name != "Muon"), name => Assert.True(RacerCatalog.Find(name)!.DefaultLearningRate > 0, name));
    }

    [Fact]
    public void MuonWithAuxAdam_races_a_vector_in_its_Adam_group_at_the_authors_Adam_rate()
    {
        var racer = RacerCatalog.Find("MuonWithAuxAdam")!;

        Assert.Equal(3e-4, racer.DefaultLearningRate);
        var run = RaceEngine.Run(new Beale(), [new RaceEntry(racer, racer.DefaultLearningRate)], new RaceSettings(100, [1, 1])).Runs.Single();

        // The declaration's own Adam group, lr left null (the authors' default for the group's kind), by hand.
        var position = new float[] { 1, 1 };
        var gradient = new float[2];
        var adamGroup = new MuonWithAuxAdam([new Parameter<float>(position) { Grad = gradient }], useMuon: false);
        for (int step = 1; step <= 100; step++)
        {
            new Beale().Gradient(position, gradient);
            adamGroup.Step();
            Assert.Equal([position[0], position[1]], run.Path[step].Select(coordinate => (float)coordinate));
        }
        Assert.True(Math.Abs(run.Path[100][0] - 1) > 1e-3, "It moves.");
    }

    [Fact]
    public void FairseqAdafactor_races_its_default_relative_step_as_an_external_lr_of_1e_2()
    {
        var racer = RacerCatalog.Find("FairseqAdafactor")!;

        Assert.Equal(1e-2, racer.DefaultLearningRate);
        var run = RaceEngine.Run(new Beale(), [new RaceEntry(racer, racer.DefaultLearningRate)], new RaceSettings(100, [1, 1])).Runs.Single();

        // The declaration's defaults (lr null: the relative step min(1e-2, 1/√t)), by hand.
        var position = new float[] { 1, 1 };
        var gradient = new float[2];
        var optimizer = new FairseqAdafactor([new Parameter<float>(position) { Grad = gradient }]);
        for (int step = 1; step <= 100; step++)
        {
            new Beale().Gradient(position, gradient);
            optimizer.Step();
            Assert.Equal([position[0], position[1]], run.Path[step].Select(coordinate => (float)coordinate));
        }
        Assert.True(Math.Abs(run.Path[100][0] - 1) > 1e-3, "It moves.");
    }

    [Fact]
    public void The_cli_races_MuonWithAuxAdam_at_3e_4_and_it_moves()
    {
        var outcome = CliRunner.Run("race", "-l", "bowl", "-o", "MuonWithAuxAdam", "-n", "100", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var row = TableRows.Row(outcome.Output, "MuonWithAuxAdam");
        Assert.Equal("3e-4", row[1]);
        Assert.NotEqual("(1, 1)", row[3]);
    }

    [Fact]
    public void An_optimizer_without_a_default_learning_rate_is_refused_unless_given_one()
    {
        // MuonWithAuxAdam's own declaration, without the race's settings: lr = null.
        var bare = new Racer("MuonWithAuxAdam", Catalog.Find("MuonWithAuxAdam")!, [new("useMuon", false)]);

        string? reason = new RacerSelection(bare, null).Refusal();
        Assert.Equal("MuonWithAuxAdam declares no default learning rate (lr = null: the optimizer picks its own), so a race has none to start from; give one, e.g. MuonWithAuxAdam:0.001.", reason);
        Assert.Null(new RacerSelection(bare, 0.01).Refusal());
    }

    [Fact]
    public void An_optimizer_with_a_procedure_the_race_does_not_run_is_refused_naming_it()
    {
        // Schedule-Free declaring Train but not Eval: the race would train at y and never record x.
        var entry = Catalog.Find("AdamWScheduleFree")!;
        var trainOnly = entry with { Info = entry.Info with { Procedures = [entry.Info.Procedures.Single(procedure => procedure.Name == "Train")] } };

        string? reason = new RacerSelection(new Racer("TrainOnly", trainOnly, []), null).Refusal();

        Assert.Equal("TrainOnly has procedures (Train) the race does not know when to run; it runs Train/Eval and UpdateHessian.", reason);
        Assert.Null(new RacerSelection(RacerCatalog.Find("AdamWScheduleFree")!, null).Refusal());
        Assert.Null(new RacerSelection(RacerCatalog.Find("SophiaG")!, null).Refusal());
    }
}
