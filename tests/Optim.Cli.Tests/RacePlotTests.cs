using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Cli.Race.Plots;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using ScratchOptim.Race.Plots;
using SkiaSharp;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>The race's pictures are rendered, of the promised size, and show something.</summary>
public class RacePlotTests
{
    [Fact]
    public void A_race_on_every_landscape_writes_a_paths_and_a_loss_picture_of_the_expected_size_that_are_not_blank()
    {
        using var directory = new TempDirectory();

        var outcome = CliRunner.Run(["race", "-l", .. LandscapeCatalog.Names, "-o", "SGD", "Adam", "-n", "40", "--plots", directory.Path]);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        foreach (string landscape in LandscapeCatalog.Names)
        {
            var (paths, loss) = RacePlots.FileNames(landscape);
            AssertPicture(directory.File(paths), RacePlots.PathsWidth, RacePlots.PathsHeight, minimumColours: 1000, minimumDrawn: 0.5);
            AssertPicture(directory.File(loss), RacePlots.LossWidth, RacePlots.LossHeight, minimumColours: 50, minimumDrawn: 0.02);
            Assert.Contains(directory.File(paths), outcome.Output);
        }
        Assert.Equal(2 * LandscapeCatalog.All.Count, Directory.GetFiles(directory.Path).Length);
    }

    [Fact]
    public void A_run_that_diverges_is_drawn_up_to_where_it_left_the_numbers()
    {
        using var directory = new TempDirectory();

        // SGD at lr 1 on the ravine overflows within a few dozen steps.
        var outcome = CliRunner.Run("race", "-l", "ravine", "-o", "SGD:1", "Adam", "--plots", directory.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("diverged at step", outcome.Output);
        AssertPicture(directory.File("ravine-paths.png"), RacePlots.PathsWidth, RacePlots.PathsHeight, minimumColours: 1000, minimumDrawn: 0.5);
        AssertPicture(directory.File("ravine-loss.png"), RacePlots.LossWidth, RacePlots.LossHeight, minimumColours: 50, minimumDrawn: 0.02);
    }

    [Fact]
    public void A_race_from_the_farthest_start_allowed_is_drawn()
    {
        using var directory = new TempDirectory();

        var outcome = CliRunner.Run("race", "-l", "beale", "--start", "1e6,-1e6", "-o", "Adam", "SGD", "-n", "20", "--plots", directory.Path);

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        AssertPicture(directory.File("beale-paths.png"), RacePlots.PathsWidth, RacePlots.PathsHeight, minimumColours: 100, minimumDrawn: 0.5);
        AssertPicture(directory.File("beale-loss.png"), RacePlots.LossWidth, RacePlots.LossHeight, minimumColours: 50, minimumDrawn: 0.02);
    }

    [Fact]
    public void A_long_race_is_drawn_with_at_most_the_set_number_of_points_per_racer_ending_at_its_last_position()
    {
        // AdamW hovers around Beale's minimum: drawn point by point, its jagged curves took the rasterizer minutes.
        var race = RaceEngine.Run(new Beale(), [new RaceEntry(RacerCatalog.Find("AdamW")!, 0.1)], new RaceSettings(3 * RacePlots.MaxPointsPerRun + 5, [1, 1]));

        using var paths = RacePlots.PathsPlot(race);
        using var loss = RacePlots.LossPlot(race);

        var pathLine = paths.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single().Data.GetScatterPoints();
        var lossLine = loss.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single().Data.GetScatterPoints();
        Assert.InRange(pathLine.Count, RacePlots.MaxPointsPerRun / 2, RacePlots.MaxPointsPerRun);
        Assert.InRange(lossLine.Count, RacePlots.MaxPointsPerRun / 2, RacePlots.MaxPointsPerRun);
        Assert.Equal(race.Runs[0].FinalPosition[0], pathLine[^1].X);
        Assert.Equal(race.Settings.Steps, lossLine[^1].X);
    }

    /// <summary>
    /// A PNG (by its signature) of this size (from its IHDR chunk) that decodes to many colours, with at least
    /// <paramref name="minimumDrawn"/> of its pixels different from the most common colour (the background).
    /// </summary>
    private static void AssertPicture(string path, int width, int height, int minimumColours, double minimumDrawn)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));

        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        var pixels = bitmap.Pixels;
        int colours = pixels.Distinct().Count();
        Assert.True(colours >= minimumColours, $"{Path.GetFileName(path)} has only {colours} distinct colours");
        var background = pixels.GroupBy(pixel => pixel).MaxBy(group => group.Count())!.Key;
        double drawn = pixels.Count(pixel => pixel != background) / (double)pixels.Length;
        Assert.True(drawn >= minimumDrawn, $"{Path.GetFileName(path)}: only {drawn:P1} of the pixels differ from the background");
    }
}

/// <summary>Runs that change the current directory, which the whole process shares: alone, after the others.</summary>
[CollectionDefinition(nameof(CurrentDirectory), DisableParallelization = true)]
public sealed class CurrentDirectory;

[Collection(nameof(CurrentDirectory))]
public class DefaultPlotDirectoryTests
{
    [Fact]
    public void Without_plots_options_the_pictures_go_to_race_plots_in_the_current_directory()
    {
        using var directory = new TempDirectory();
        string previous = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(directory.Path);

            var outcome = CliRunner.Run("race", "-l", "bowl", "-o", "SGD", "-n", "5");

            Assert.Equal(ExitCodes.Success, outcome.ExitCode);
            string expected = Path.Combine(directory.Path, RaceCommand.DefaultPlotDirectory);
            Assert.Equal(["bowl-loss.png", "bowl-paths.png"], Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }
}
