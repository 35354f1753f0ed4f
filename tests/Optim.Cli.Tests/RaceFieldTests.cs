using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Cli.Race;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary><c>optim race --field</c>: the modern field races Adam against its successors at tuned rates.</summary>
public class RaceFieldTests
{
    private static readonly string[] ModernRacers =
        ["Adam", "Yogi", "AdaBound", "AdaMod", "AdaBelief", "Adan", "Lion", "Prodigy", "AdamWScheduleFree", "AdEMAMix", "ADOPT", "MARS"];

    [Fact]
    public void The_modern_field_races_Adam_and_its_successors_in_order_of_publication()
    {
        var outcome = CliRunner.Run("race", "--field", "modern", "-l", "bowl", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal(ModernRacers, TableRows.FirstCells(outcome.Output).Where(cell => cell is not ("optimizer" or "")).ToArray());
    }

    [Fact]
    public void The_classic_field_is_the_default_line_up()
    {
        var classic = CliRunner.Run("race", "--field", "classic", "-l", "bowl", "--no-plots");
        var plain = CliRunner.Run("race", "-l", "bowl", "--no-plots");

        Assert.Equal(ExitCodes.Success, classic.ExitCode);
        Assert.Equal(plain.Output, classic.Output);
    }

    [Fact]
    public void An_unknown_field_is_refused_naming_the_fields()
    {
        string line = CliRunner.AssertOneLineError(CliRunner.Run("race", "--field", "future"));
        Assert.Contains("Unknown field 'future'; choose from classic, modern.", line);
    }

    [Fact]
    public void A_field_and_optimizers_together_are_refused()
    {
        string line = CliRunner.AssertOneLineError(CliRunner.Run("race", "--field", "modern", "--optimizer", "SGD"));
        Assert.Contains("--field and --optimizer both choose the racers", line);
    }

    [Fact]
    public void Prodigy_races_at_its_default_rate_and_Adan_and_MARS_at_Adams()
    {
        // Prodigy's lr multiplies its own estimate of the distance to the solution: 1 everywhere.
        foreach (var landscape in LandscapeCatalog.Names.Select(LandscapeCatalog.Find).OfType<ILandscape>())
        {
            var rates = RaceFields.Find("modern")!.ToDictionary(selection => selection.Racer.Label, selection => selection.For(landscape).LearningRate);
            Assert.Equal(1.0, rates["Prodigy"]);
            Assert.Equal(rates["Adam"], rates["Adan"]);
            Assert.Equal(rates["Adam"], rates["MARS"]);
        }
    }

    [Fact]
    public void At_their_tuned_rates_the_modern_racers_stay_finite_everywhere_but_AdaBound_on_Rosenbrock()
    {
        // AdaBound's bounds close in on finalLr = 0.1, thirty times the rate at which SGD diverges on Rosenbrock.
        foreach (var landscape in LandscapeCatalog.Names.Select(LandscapeCatalog.Find).OfType<ILandscape>())
        {
            var entries = RaceFields.Find("modern")!.Select(selection => selection.For(landscape)).ToArray();
            var race = RaceEngine.Run(landscape, entries, new RaceSettings(landscape.DefaultSteps, landscape.DefaultStart, null));
            foreach (var run in race.Runs)
            {
                bool expectedToDiverge = landscape.Name == "rosenbrock" && run.Entry.Racer.Label == "AdaBound";
                Assert.True(expectedToDiverge == run.DivergedAtStep.HasValue, $"{run.Entry.Racer.Label} on {landscape.Name} at lr {run.Entry.LearningRate}");
            }
        }
    }
}
