using System;
using System.Linq;
using ScratchOptim.Cli.Race;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Cli.Tests;

public class RaceEngineTests
{
    [Fact]
    public void SGD_on_the_bowl_ends_where_the_closed_form_says()
    {
        // On x² + y² each SGD step multiplies the position by 1 − 2·lr.
        const double lr = 0.1;
        const int steps = 50;
        double[] start = [1.5, -2];

        var run = RaceOne(new Bowl(), "SGD", lr, new RaceSettings(steps, start));

        for (int i = 0; i < start.Length; i++)
        {
            double expected = Math.Pow(1 - 2 * lr, steps) * start[i];
            Assert.True(Math.Abs(run.FinalPosition[i] - expected) <= 1e-5 * Math.Abs(expected),
                $"coordinate {i}: got {run.FinalPosition[i]}, closed form {expected}");
        }
    }

    [Fact]
    public void The_run_records_every_position_and_loss_from_the_start_on()
    {
        var run = RaceOne(new Bowl(), "Adam", 0.05, new RaceSettings(20, [1, 1]));

        Assert.Equal(21, run.Path.Count);
        Assert.Equal(21, run.Losses.Count);
        Assert.Equal([1.0, 1.0], run.Path[0]);
        for (int step = 0; step < run.Path.Count; step++)
            Assert.Equal(new Bowl().Loss(run.Path[step]), run.Losses[step]);
    }

    [Fact]
    public void Steps_to_tolerance_is_the_first_step_within_it_of_the_lowest_loss()
    {
        var run = RaceOne(new Bowl(), "SGD", 0.1, new RaceSettings(100, [1, 1]));

        int expected = run.Losses.Select((loss, step) => (loss, step)).First(pair => pair.loss < 1e-6).step;
        Assert.Equal(expected, run.StepsToTolerance);
        Assert.True(run.Losses[expected - 1] >= 1e-6);
    }

    [Fact]
    public void Steps_to_tolerance_is_where_the_loss_stays_within_it_not_where_it_first_dips_in()
    {
        // AdamW in the default race on least squares dips below 1e-6 above the lowest loss early, leaves, and settles later.
        var (run, within) = AdamWOnLeastSquares(new LeastSquares().DefaultSteps);

        int settled = run.StepsToTolerance!.Value;
        Assert.All(within[settled..], Assert.True);
        Assert.False(within[settled - 1]);
        Assert.Contains(true, within[..settled]);
    }

    [Fact]
    public void A_run_that_ends_after_leaving_the_tolerance_has_not_arrived()
    {
        var (_, within) = AdamWOnLeastSquares(new LeastSquares().DefaultSteps);
        int leftAgain = Array.IndexOf(within, false, Array.IndexOf(within, true));

        var (shorter, _) = AdamWOnLeastSquares(leftAgain);

        Assert.Contains(true, within[..leftAgain]);
        Assert.Null(shorter.StepsToTolerance);
    }

    /// <summary>AdamW as the default race runs it on least squares, and whether each step's loss was within the tolerance.</summary>
    private static (RacerRun Run, bool[] Within) AdamWOnLeastSquares(int steps)
    {
        var landscape = new LeastSquares();
        var adamW = DefaultRace.Lineup.Single(selection => selection.Racer.Label == "AdamW").For(landscape);
        var race = RaceEngine.Run(landscape, [adamW], new RaceSettings(steps, landscape.DefaultStart));
        var run = race.Runs.Single();
        return (run, [.. run.Losses.Select(loss => loss - race.MinimumLoss!.Value < race.Settings.Tolerance)]);
    }

    [Fact]
    public void More_steps_than_a_race_runs_are_refused()
    {
        var entry = new RaceEntry(RacerCatalog.Find("SGD")!, 0.1);

        Assert.Throws<ArgumentOutOfRangeException>(() => RaceEngine.Run(new Bowl(), [entry], new RaceSettings(RaceSettings.MaxSteps + 1, [1, 1])));
    }

    [Fact]
    public void Gradient_clipping_caps_each_step_at_lr_times_the_norm()
    {
        // Far from the minimum the bowl's gradient is longer than 0.1, so each step moves exactly lr · 0.1 along the diagonal.
        var run = RaceOne(new Bowl(), "SGD", 0.1, new RaceSettings(10, [1, 1], ClipNorm: 0.1));

        double expected = 1 - 10 * 0.1 * 0.1 / Math.Sqrt(2);
        Assert.Equal(expected, run.FinalPosition[0], 1e-5);
        Assert.Equal(expected, run.FinalPosition[1], 1e-5);
    }

    [Fact]
    public void A_landscape_without_minimum_has_no_distance_and_no_arrival()
    {
        var run = RaceOne(new Saddle(), "SGD", 0.01, new RaceSettings(50, [1, 1e-3]));

        Assert.Null(run.DistanceToNearestMinimum);
        Assert.Null(run.StepsToTolerance);
        Assert.True(run.FinalLoss < run.Losses[0], "SGD should slide off the saddle");
    }

    [Fact]
    public void A_run_that_overflows_stops_and_says_when()
    {
        // On 50x² + y² SGD is stable only below lr = 0.02; at 1 the x coordinate grows 99-fold a step.
        var run = RaceOne(new Ravine(), "SGD", 1, new RaceSettings(1000, [1, 1]));

        Assert.NotNull(run.DivergedAtStep);
        Assert.Equal(run.DivergedAtStep + 1, run.Path.Count);
        Assert.Null(run.DistanceToNearestMinimum);
    }

    [Fact]
    public void Distance_is_measured_to_the_nearest_of_several_minima()
    {
        var himmelblau = new Himmelblau();
        var run = RaceOne(himmelblau, "SGD", 0.01, new RaceSettings(1000, [-3, 3]));

        var end = run.FinalPosition;
        double nearest = himmelblau.Minima.Min(m => Math.Sqrt(Math.Pow(end[0] - m[0], 2) + Math.Pow(end[1] - m[1], 2)));
        Assert.Equal(nearest, run.DistanceToNearestMinimum);
        Assert.True(nearest < 1e-4, "from (-3, 3) SGD should settle in the minimum near (-2.8, 3.1)");
    }

    [Fact]
    public void A_start_of_the_wrong_dimension_is_refused()
    {
        var entry = new RaceEntry(RacerCatalog.Find("SGD")!, 0.1);

        Assert.Throws<ArgumentException>(() => RaceEngine.Run(new LeastSquares(), [entry], new RaceSettings(10, [1, 1])));
    }

    [Fact]
    public void SGD_plus_momentum_is_SGD_with_momentum_0_9()
    {
        var racer = RacerCatalog.Find("sgd+MOMENTUM")!;
        var optimizer = racer.Create(new Parameter<float>([0f, 0f]), 0.02);

        Assert.Equal("SGD+momentum", racer.Label);
        Assert.Equal("SGD", optimizer.Info.Name);
        Assert.Equal(0.9, optimizer.GroupHyperparameters(0).Get("momentum"));
        Assert.Equal(0.02, optimizer.GroupHyperparameters(0).Get("lr"));
    }

    [Fact]
    public void Every_optimizer_in_the_library_that_takes_vectors_can_race()
    {
        var vectorOptimizers = ScratchOptim.Optimizers.Catalog.All.Where(entry => entry.Info.MinRank <= 1).ToArray();
        Assert.Contains(vectorOptimizers, entry => entry.Info.Name == "SOAP");
        foreach (var entry in vectorOptimizers)
        {
            var racer = RacerCatalog.Find(entry.Info.Name)!;
            var run = RaceOne(new Bowl(), racer.Label, racer.DefaultLearningRate, new RaceSettings(5, [1, 1]));
            Assert.Equal(6, run.Path.Count);
        }
    }

    /// <summary>An optimizer of matrices only (Muon) has its default rate, and is refused on a vector landscape with why.</summary>
    [Fact]
    public void An_optimizer_of_matrices_only_is_refused_on_a_vector_landscape_saying_why()
    {
        var muon = RacerCatalog.Find("Muon")!;

        Assert.Equal(0.001, muon.DefaultLearningRate);
        var error = Assert.Throws<ArgumentException>(() => RaceOne(new Bowl(), "Muon", muon.DefaultLearningRate, new RaceSettings(5, [1, 1])));
        Assert.Contains("Muon takes 2-D parameters", error.Message);
    }

    private static RacerRun RaceOne(ILandscape landscape, string racer, double lr, RaceSettings settings) =>
        RaceEngine.Run(landscape, [new RaceEntry(RacerCatalog.Find(racer)!, lr)], settings).Runs.Single();
}
