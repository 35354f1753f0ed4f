using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Cli.Tests;
using ScratchOptim.Cli.Train.Plots;
using SkiaSharp;
using Xunit;

namespace ScratchOptim.Train.Tests;

/// <summary><c>optim train</c> run in-process, as a user types it.</summary>
public class TrainCommandTests
{
    /// <summary>tests/UserOptimizers' build output, copied beside the tests: SignDescent, and FixedStep, which has no <c>lr</c>.</summary>
    private static readonly string UserAssembly = Path.Combine(AppContext.BaseDirectory, "user-optimizers", "UserOptimizers.dll");

    [Fact]
    public void Two_optimizers_train_side_by_side_with_a_table_and_three_pictures()
    {
        using var plots = new TempDirectory();

        var outcome = CliRunner.Run("train", "-o", "AdamW", "SGD:0.3", "-e", "2", "--hidden", "32", "--warmup", "0.1", "--plots", plots.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.Contains("digits: scikit-learn's handwritten digits (UCI), 8×8: 1438 training and 359 test images", outcome.Output);
        Assert.Contains("64-32-10 MLP (2,410 parameters); 2 epochs of 23 steps; batch 64; seed 0; constant learning rate", outcome.Output);
        Assert.Contains("steps to 95 % test accuracy", outcome.Output);
        Assert.Contains("after each optimizer trained unmeasured to warm up (the first for 0.10 s)", outcome.Output);
        Assert.Matches(@"│ AdamW +│ +0\.03 │ +[0-9.e-]+ │ +[0-9.]+ % │ +[0-9.]+ % │ +([0-9]+|—) │ +[0-9.]+ s │", outcome.Output);
        Assert.Matches(@"│ SGD +│ +0\.3 │", outcome.Output);
        var (loss, accuracy, landscape, _) = TrainPlots.FileNames("digits");
        AssertPicture(Path.Combine(plots.Path, loss), TrainPlots.CurveWidth, TrainPlots.CurveHeight);
        AssertPicture(Path.Combine(plots.Path, accuracy), TrainPlots.CurveWidth, TrainPlots.CurveHeight);
        AssertPicture(Path.Combine(plots.Path, landscape), TrainPlots.LandscapeWidth, TrainPlots.LandscapeHeight);
        Assert.Contains(Path.Combine(plots.Path, landscape), outcome.Output);
    }

    [Fact]
    public void A_sweep_tabulates_the_final_loss_per_rate_and_plots_it()
    {
        using var plots = new TempDirectory();

        var outcome = CliRunner.Run("train", "--sweep", "--lrs", "0.01,0.1", "-o", "SGD", "Adam", "-e", "1", "--hidden", "32", "--plots", plots.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("Learning-rate sweep: 64-32-10 MLP; 1 epochs of 23 steps", outcome.Output);
        Assert.Matches(@"│ +lr │ +SGD │ +Adam │", outcome.Output);
        Assert.Matches(@"│ +0\.01 │ +[0-9.e-]+ │ +[0-9.e-]+ │", outcome.Output);
        Assert.Matches(@"│ +0\.1 │ +[0-9.e-]+ │ +([0-9.e-]+|∞) │", outcome.Output);
        Assert.Matches(@"│ +best lr │ +0\.(01|1) │ +0\.(01|1) │", outcome.Output);
        Assert.Matches(@"│ +its test accuracy │ +[0-9.]+ % │ +[0-9.]+ % │", outcome.Output);
        AssertPicture(Path.Combine(plots.Path, TrainPlots.FileNames("digits").Sweep), TrainPlots.CurveWidth, TrainPlots.CurveHeight);
    }

    [Fact]
    public void IDX_files_given_with_data_are_trained_on()
    {
        using var data = new TempDirectory();
        IdxWriter.WriteDataSet(data.Path, trainCount: 50, testCount: 20, rows: 5, columns: 4, suffix: ".gz");

        var outcome = CliRunner.Run("train", "--data", data.Path, "-o", "Adam", "-e", "2", "-b", "16", "--hidden", "8,6", "--warmup", "0", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains($"IDX files in {data.Path}: 50 training and 20 test images of 20 pixels", outcome.Output);
        Assert.Contains("20-8-6-10 MLP (292 parameters); 2 epochs of 4 steps; batch 16", outcome.Output);
        Assert.Contains("│ Adam ", outcome.Output);
    }

    [Fact]
    public void Accumulation_schedule_and_clipping_are_shown_with_the_setup()
    {
        var outcome = CliRunner.Run("train", "-o", "Adam", "-e", "1", "-b", "32", "--accumulate", "2", "--schedule", "warmup-cosine", "--clip", "1", "--seed", "5", "--warmup", "0", "--no-plots");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("1 epochs of 23 steps; batch 64 (2 accumulated micro-batches of 32); seed 5; " +
            "linear warmup (5 % of the steps), then cosine to 0; gradients clipped to norm 1", outcome.Output);
    }

    [Fact]
    public void A_run_saved_with_checkpoint_continues_with_resume()
    {
        using var checkpoints = new TempDirectory();

        var first = CliRunner.Run("train", "-o", "SGD+momentum", "--hidden", "32", "--eval-every", "23", "-e", "1", "--checkpoint", checkpoints.Path, "--warmup", "0", "--no-plots");
        var second = CliRunner.Run("train", "-o", "SGD+momentum", "--hidden", "32", "--eval-every", "23", "-e", "3", "--checkpoint", checkpoints.Path, "--resume", "--warmup", "0", "--no-plots");
        var again = CliRunner.Run("train", "-o", "SGD+momentum", "--hidden", "32", "--eval-every", "23", "-e", "3", "--warmup", "0", "--no-plots");

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.Equal(["SGD+momentum-lr0.3.safetensors"], Directory.GetFiles(checkpoints.Path).Select(Path.GetFileName));
        Assert.Contains("(resumed at step 23)", second.Output);
        // The same loss and accuracies as the run that was never interrupted.
        Assert.Equal(Cells(again.Output, "SGD+momentum")[..5], Cells(second.Output, "SGD+momentum")[..5]);
    }

    [Fact]
    public void Resuming_a_checkpoint_of_another_run_is_refused_with_one_line()
    {
        using var checkpoints = new TempDirectory();
        CliRunner.Run("train", "-o", "Adam", "-e", "1", "--checkpoint", checkpoints.Path, "--warmup", "0", "--no-plots");

        var outcome = CliRunner.Run("train", "-o", "Adam", "-e", "2", "-b", "32", "--checkpoint", checkpoints.Path, "--resume", "--warmup", "0", "--no-plots");

        string line = CliRunner.AssertOneLineError(outcome);
        Assert.Contains("it belongs to another run: its batch size is '64', this run's is '32'", line);
    }

    [Fact]
    public void An_optimizer_of_the_users_assembly_trains_beside_a_built_in()
    {
        var outcome = CliRunner.Run("train", "-o", "SignDescent:0.003", "Adam", "-e", "2", "--hidden", "32", "--warmup", "0", "--no-plots", "--assembly", UserAssembly);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        var signDescent = Cells(outcome.Output, "SignDescent");
        Assert.Equal("0.003", signDescent[0]);
        // Steps of 0.003 against the gradient's sign learn the digits too.
        Assert.True(double.Parse(signDescent[3].TrimEnd(' ', '%'), System.Globalization.CultureInfo.InvariantCulture) > 80, signDescent[3]);
        Assert.Equal("0.03", Cells(outcome.Output, "Adam")[0]);
    }

    [Fact]
    public void Without_optimizer_options_every_optimizer_of_the_assembly_joins_and_one_without_lr_is_refused()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("train", "-e", "1", "--no-plots", "--assembly", UserAssembly));

        Assert.Equal("optim: FixedStep has no hyperparameter 'lr', the learning rate training sets; only optimizers with one can train here.", error);
    }

    [Fact]
    public void An_optimizer_of_matrices_only_is_refused_with_one_line_naming_a_bias_without_dotnets_parameter_name()
    {
        string error = CliRunner.AssertOneLineError(CliRunner.Run("train", "-o", "Muon", "--no-plots"));

        Assert.Equal("optim: Muon takes 2-D parameters; 'fc1.bias[128]' has 1 dimension.", error);
    }

    [Theory]
    [InlineData("train", "--optimizer", "Nope")]
    [InlineData("train", "--optimizer", "Adam:fast")]
    [InlineData("train", "--optimizer", "Adam:-1")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--batch", "many")]
    [InlineData("train", "--accumulate", "0")]
    [InlineData("train", "--hidden", "128,0")]
    [InlineData("train", "--schedule", "sometimes")]
    [InlineData("train", "--clip", "-1")]
    [InlineData("train", "--seed", "-3")]
    [InlineData("train", "--resume")]
    [InlineData("train", "--warmup", "-1")]
    [InlineData("train", "--warmup", "61")]
    [InlineData("train", "--sweep", "--warmup", "1")]
    [InlineData("train", "--lrs", "0.1")]
    [InlineData("train", "--sweep", "--lrs", "0.1,zero")]
    [InlineData("train", "--sweep", "-o", "Adam:0.1")]
    [InlineData("train", "-o", "Adam", "Adam")]
    [InlineData("train", "--plots", "/tmp", "--no-plots")]
    [InlineData("train", "--data", "/no/such/directory")]
    [InlineData("train", "--assembly", "/no/such/assembly.dll")]
    public void Bad_input_is_refused_with_one_line(params string[] args)
    {
        CliRunner.AssertOneLineError(CliRunner.Run(args));
    }

    [Fact]
    public void A_corrupt_IDX_file_is_named_in_the_one_line_error()
    {
        using var data = new TempDirectory();
        IdxWriter.WriteDataSet(data.Path, trainCount: 5, testCount: 2, rows: 2, columns: 2);
        File.WriteAllBytes(data.File("train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 9, 1]);

        string line = CliRunner.AssertOneLineError(CliRunner.Run("train", "--data", data.Path, "--no-plots"));

        Assert.Equal($"optim: --data: {data.File("train-labels-idx1-ubyte")}, byte 9: the file is cut short: its [9] array needs 9 bytes of values; there are 1.", line);
    }

    /// <summary>The cells of the table row that starts with <paramref name="label"/>, after the label.</summary>
    private static string[] Cells(string output, string label)
    {
        string row = output.Split('\n').Single(line => line.StartsWith($"│ {label} ", StringComparison.Ordinal));
        return [.. row.Split('│', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(cell => cell.Trim())];
    }

    /// <summary>A PNG of this size that decodes and is not blank: many colours, and a good share of pixels off the background.</summary>
    private static void AssertPicture(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        var pixels = bitmap.Pixels;
        Assert.True(pixels.Distinct().Count() >= 50, $"{Path.GetFileName(path)} has few colours");
        var background = pixels.GroupBy(pixel => pixel).MaxBy(group => group.Count())!.Key;
        Assert.True(pixels.Count(pixel => pixel != background) > 0.02 * pixels.Length, $"{Path.GetFileName(path)} is nearly blank");
    }
}
