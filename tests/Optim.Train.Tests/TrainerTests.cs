using System;
using System.IO;
using System.Linq;
using System.Threading;
using ScratchOptim.Race;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Training;
using Xunit;

namespace ScratchOptim.Train.Tests;

public class TrainerTests
{
    private static readonly DataSplit DigitsData = Digits.Load();

    /// <summary>Three epochs, measured every 10 steps, with the weights kept every few steps.</summary>
    private static readonly TrainSettings Short = new() { Epochs = 3, EvaluateEvery = 10, TrajectoryPoints = 20 };

    [Fact]
    public void The_default_run_with_AdamW_reaches_97_percent_test_accuracy_on_the_digits()
    {
        // Measuring along the way changes nothing in the training, so only the end is measured here.
        var settings = new TrainSettings { EvaluateEvery = null, TrajectoryPoints = 0 };

        var run = Trainer.Run(DigitsData, TrainingLineup.Default.Single(entry => entry.Racer.Label == "AdamW"), settings);

        Assert.Null(run.DivergedAtStep);
        Assert.Equal(20 * 23, run.Steps);
        Assert.True(run.FinalTest.Accuracy >= 0.97, $"test accuracy {run.FinalTest.Accuracy:P2}");
        Assert.True(run.Final.Loss < run.StepLosses[0] / 20, $"training loss {run.StepLosses[0]} -> {run.Final.Loss}");
    }

    [Theory]
    [InlineData("SGD")]
    [InlineData("SGD+momentum")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    public void The_default_lineup_trains_at_the_rate_of_the_sweep_grid_with_the_lowest_final_loss(string name)
    {
        var entry = TrainingLineup.Default.Single(entry => entry.Racer.Label == name);
        var grid = LearningRateSweep.DefaultGrid;
        int at = grid.ToList().IndexOf(entry.LearningRate);
        // Its neighbours on the grid, the only rates that could beat it on a valley.
        double[] rates = [.. grid.Skip(at - 1).Take(at == 0 ? 2 : 3)];

        var sweep = LearningRateSweep.Run(DigitsData, [entry.Racer], rates, new TrainSettings());

        Assert.Equal(entry.LearningRate, sweep.Curves[0].Best!.LearningRate);
    }

    [Fact]
    public void The_same_seed_gives_the_same_bits_and_another_seed_does_not()
    {
        var settings = Short with { Seed = 42, ClipNorm = 1, Schedule = Schedule.WarmupCosine };

        var first = Trainer.Run(DigitsData, Entry("Adam", 0.01), settings);
        var again = Trainer.Run(DigitsData, Entry("Adam", 0.01), settings);
        var other = Trainer.Run(DigitsData, Entry("Adam", 0.01), settings with { Seed = 43 });

        AssertSameBits(first, again);
        Assert.NotEqual(first.StepLosses[0], other.StepLosses[0]);
        Assert.NotEqual(FinalWeights(first), FinalWeights(other));
    }

    [Theory]
    [InlineData("SGD+momentum", 0.03)]
    [InlineData("AdamW", 0.01)]
    public void Accumulating_two_batches_of_64_takes_the_steps_of_one_batch_of_128(string optimizer, double learningRate)
    {
        // The backward pass adds each example's gradient in order whichever micro-batch carries it, so the two runs'
        // weights agree bit for bit; only the reported loss is summed in another order.
        var settings = Short with { EvaluateEvery = null };
        var large = Trainer.Run(DigitsData, Entry(optimizer, learningRate), settings with { BatchSize = 128 });
        var accumulated = Trainer.Run(DigitsData, Entry(optimizer, learningRate), settings with { BatchSize = 64, AccumulationSteps = 2 });
        var small = Trainer.Run(DigitsData, Entry(optimizer, learningRate), settings with { BatchSize = 64 });

        Assert.Equal(3 * 12, accumulated.Steps); // 1438 examples: 11 steps of 128 and one of 30
        Assert.Equal(large.Steps, accumulated.Steps);
        Assert.Equal(FinalWeights(large), FinalWeights(accumulated));
        for (int step = 0; step < large.Steps; step++) Assert.Equal(large.StepLosses[step], accumulated.StepLosses[step], 1e-12);
        Assert.Equal(3 * 23, small.Steps);
        Assert.NotEqual(FinalWeights(large), FinalWeights(small));
    }

    [Fact]
    public void A_run_resumed_from_its_checkpoint_ends_with_the_bits_of_an_uninterrupted_run()
    {
        // Adam has state, the schedule has state, clipping changes the gradients: all must survive the checkpoint.
        var settings = Short with { Epochs = 4, Seed = 9, ClipNorm = 2, Schedule = Schedule.WarmupCosine };
        var entry = Entry("Adam", 0.01);
        using var directory = new TempDirectory();
        string path = directory.File("adam.safetensors");

        var uninterrupted = Trainer.Run(DigitsData, entry, settings);
        // Stopped in the third epoch: the checkpoint holds the end of the second.
        using var stop = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Trainer.Run(DigitsData, entry, settings,
            (step, _) => { if (step == 2 * 23 + 5) stop.Cancel(); }, new CheckpointOptions(path, Resume: false), stop.Token));
        int resumedFrom = -1;
        var resumed = Trainer.Run(DigitsData, entry, settings, (step, _) => resumedFrom = resumedFrom < 0 ? step : resumedFrom, new CheckpointOptions(path, Resume: true));

        Assert.Equal(2 * 23 + 1, resumedFrom);
        Assert.Equal(2 * 23, resumed.ResumedAtStep);
        AssertSameBits(uninterrupted, resumed);
    }

    [Fact]
    public void A_finished_run_at_a_constant_rate_can_be_resumed_for_more_epochs()
    {
        var entry = Entry("SGD+momentum", 0.03);
        using var directory = new TempDirectory();
        var options = new CheckpointOptions(directory.File("sgd.safetensors"), Resume: true);

        var whole = Trainer.Run(DigitsData, entry, Short);
        Trainer.Run(DigitsData, entry, Short with { Epochs = 1 }, checkpoint: options);
        var continued = Trainer.Run(DigitsData, entry, Short, checkpoint: options);

        Assert.Equal(23, continued.ResumedAtStep);
        Assert.Equal(FinalWeights(whole), FinalWeights(continued));
        Assert.Equal(whole.StepLosses, continued.StepLosses);
    }

    [Fact]
    public void A_checkpoint_further_on_than_the_run_asked_for_is_refused()
    {
        using var directory = new TempDirectory();
        var options = new CheckpointOptions(directory.File("run.safetensors"), Resume: true);
        Trainer.Run(DigitsData, Entry("SGD", 0.3), Short with { Epochs = 2 }, checkpoint: options);

        var error = Assert.Throws<InvalidDataException>(() => Trainer.Run(DigitsData, Entry("SGD", 0.3), Short with { Epochs = 1 }, checkpoint: options));

        Assert.Equal($"{options.Path}: cannot resume from this checkpoint: it is 2 epochs into its run; this run has 1.", error.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused_and_left_as_it_was()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        Trainer.Run(DigitsData, Entry("Adam", 0.01), Short with { Epochs = 1 }, checkpoint: new CheckpointOptions(path, Resume: false));
        byte[] saved = File.ReadAllBytes(path);

        var error = Assert.Throws<InvalidDataException>(() =>
            Trainer.Run(DigitsData, Entry("Adam", 0.001), Short with { Epochs = 2 }, checkpoint: new CheckpointOptions(path, Resume: true)));

        Assert.Equal($"{path}: cannot resume from this checkpoint: it belongs to another run: its learning rate is '0.01', this run's is '0.001'.", error.Message);
        Assert.Equal(saved, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_corrupt_checkpoint_is_refused_with_the_file_named()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() =>
            Trainer.Run(DigitsData, Entry("Adam", 0.01), Short, checkpoint: new CheckpointOptions(path, Resume: true)));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_learning_rate_too_large_stops_the_run_at_the_first_loss_that_is_not_finite()
    {
        // Steps of 1e30 × the gradient: the weights overflow float within a few steps.
        var run = Trainer.Run(DigitsData, Entry("SGD", 1e30), Short);

        Assert.NotNull(run.DivergedAtStep);
        Assert.Equal(run.DivergedAtStep, run.Steps);
        Assert.True(run.Steps < 3 * 23);
        Assert.All(run.StepLosses, loss => Assert.True(double.IsFinite(loss)));
    }

    [Theory]
    [MemberData(nameof(EveryOptimizer))]
    public void Every_optimizer_of_the_library_trains_the_network(string name)
    {
        var racer = RacerCatalog.Find(name)!;
        var settings = new TrainSettings { Epochs = 1, EvaluateEvery = null, TrajectoryPoints = 0 };

        var run = Trainer.Run(DigitsData, new RaceEntry(racer, TrainingLineup.LearningRateFor(racer)), settings);

        Assert.Equal(23, run.Steps);
        Assert.True(run.Diverged || run.Final.Loss < run.StepLosses[0], $"{name}: loss {run.StepLosses[0]} -> {run.Final.Loss}");
    }

    // The network has 1-D biases: an optimizer of matrices only (Muon) cannot train it alone (see the next test).
    public static TheoryData<string> EveryOptimizer() => [.. RacerCatalog.Names.Where(name => RacerCatalog.Find(name)!.Optimizer.Info.MinRank <= 1)];

    [Fact]
    public void An_optimizer_of_matrices_only_is_refused_before_training_naming_a_parameter_it_cannot_take()
    {
        var muon = RacerCatalog.Find("Muon")!;
        var settings = new TrainSettings { Epochs = 1, EvaluateEvery = null, TrajectoryPoints = 0 };

        var error = Assert.Throws<ArgumentException>(() => Trainer.Check(DigitsData, new RaceEntry(muon, 0.02), settings));

        Assert.Contains("Muon takes 2-D parameters", error.Message);
        Assert.Contains("fc1.bias", error.Message);
    }

    [Fact]
    public void Evaluating_schedule_free_at_every_step_does_not_change_its_training()
    {
        // Evaluation swaps in x; the next gradient must still be taken at y. Only the rounding of the switch there and
        // back (as in the authors' loop) may differ; a gradient taken at x would be off by far more.
        var racer = RacerCatalog.Find("AdamWScheduleFree")!;
        var entry = new RaceEntry(racer, TrainingLineup.LearningRateFor(racer));

        var quiet = Trainer.Run(DigitsData, entry, new TrainSettings { Epochs = 1, EvaluateEvery = null, TrajectoryPoints = 0 });
        var watched = Trainer.Run(DigitsData, entry, new TrainSettings { Epochs = 1, EvaluateEvery = 1, TrajectoryPoints = 23 });

        Assert.Equal(quiet.StepLosses.Count, watched.StepLosses.Count);
        for (int i = 0; i < quiet.StepLosses.Count; i++)
            Assert.True(Math.Abs(quiet.StepLosses[i] - watched.StepLosses[i]) <= 1e-6 * quiet.StepLosses[i], $"step {i + 1}: {quiet.StepLosses[i]} vs {watched.StepLosses[i]}");
    }

    [Fact]
    public void Schedule_free_trains_at_y_and_ends_at_its_average_x_where_it_is_evaluated()
    {
        var racer = RacerCatalog.Find("SGDScheduleFree")!;
        var settings = new TrainSettings { Epochs = 1, EvaluateEvery = 5, TrajectoryPoints = 4 };

        var run = Trainer.Run(DigitsData, new RaceEntry(racer, TrainingLineup.LearningRateFor(racer)), settings);

        // It steps (in train mode), and the last evaluation and the final test figures are of the same weights (x).
        Assert.Equal(23, run.Steps);
        Assert.Equal(run.Evaluations[^1].TestLoss, run.FinalTest.Loss);
        Assert.Equal(run.Evaluations[^1].TestAccuracy, run.FinalTest.Accuracy);
        Assert.True(run.Final.Loss < run.StepLosses[0], $"loss {run.StepLosses[0]} -> {run.Final.Loss}");
    }

    [Fact]
    public void Trajectories_start_at_the_shared_initial_weights_and_end_at_the_final_ones()
    {
        var sgd = Trainer.Run(DigitsData, Entry("SGD", 0.3), Short);
        var adam = Trainer.Run(DigitsData, Entry("Adam", 0.01), Short);

        Assert.Equal(sgd.Trajectory[0].Weights, adam.Trajectory[0].Weights);
        Assert.Equal(0, sgd.Trajectory[0].Step);
        Assert.Equal(sgd.Steps, sgd.Trajectory[^1].Step);
        // 69 steps, at most 20 points: every ⌈69 / 20⌉ = 4 steps, and the last.
        Assert.Equal(Enumerable.Range(0, 18).Select(i => 4 * i).Append(69), sgd.Trajectory.Select(point => point.Step));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => 10 * i).Append(69), sgd.Evaluations.Select(e => e.Step));
    }

    [Fact]
    public void A_warm_up_trains_for_the_time_it_is_given_and_changes_nothing_measured_later()
    {
        var settings = Short with { Epochs = 1 };
        var before = Trainer.Run(DigitsData, Entry("Adam", 0.01), settings);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Trainer.WarmUp(DigitsData, Entry("Adam", 0.01), settings, TimeSpan.FromMilliseconds(200));

        Assert.InRange(clock.Elapsed.TotalSeconds, 0.15, 10); // the timer may fire a few milliseconds early
        AssertSameBits(before, Trainer.Run(DigitsData, Entry("Adam", 0.01), settings));
    }

    [Theory]
    [InlineData(0, 64, 1, "epochs must be from 1")]
    [InlineData(1, 0, 1, "the batch size must be from 1")]
    [InlineData(1, 64, 0, "accumulation must be from 1")]
    public void Settings_out_of_range_are_refused_before_training(int epochs, int batch, int accumulate, string expected)
    {
        var settings = new TrainSettings { Epochs = epochs, BatchSize = batch, AccumulationSteps = accumulate };

        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(DigitsData, Entry("SGD", 0.1), settings));

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "Adam: the learning rate must be a finite number of at least 0; got Infinity.")]
    [InlineData(double.NaN, "Adam: the learning rate must be a finite number of at least 0; got NaN.")]
    [InlineData(-0.1, "Adam: the learning rate must be a finite number of at least 0; got -0.1.")]
    public void A_learning_rate_that_is_not_finite_and_at_least_zero_is_refused(double learningRate, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Run(DigitsData, Entry("Adam", learningRate), Short));

        Assert.Contains(expected, error.Message);
    }

    internal static RaceEntry Entry(string name, double learningRate) => new(RacerCatalog.Find(name)!, learningRate);

    internal static float[] FinalWeights(TrainingRun run)
    {
        Assert.Equal(run.Steps, run.Trajectory[^1].Step);
        return run.Trajectory[^1].Weights;
    }

    private static void AssertSameBits(TrainingRun expected, TrainingRun actual)
    {
        Assert.Equal(expected.StepLosses, actual.StepLosses);
        Assert.Equal(expected.LearningRates, actual.LearningRates);
        Assert.Equal(expected.Evaluations, actual.Evaluations);
        Assert.Equal(expected.Trajectory.Select(point => point.Step), actual.Trajectory.Select(point => point.Step));
        for (int i = 0; i < expected.Trajectory.Count; i++) Assert.Equal(expected.Trajectory[i].Weights, actual.Trajectory[i].Weights);
        Assert.Equal(expected.Final, actual.Final);
        Assert.Equal(expected.FinalTest, actual.FinalTest);
    }
}
