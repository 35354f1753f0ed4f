using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Playwright;
using ScratchOptim.Race;
using SkiaSharp;
using Xunit;

namespace ScratchOptim.Web.Tests;

[Collection(RaceBrowserCollection.Name)]
public class RacePageTests(RaceBrowser browser)
{
    /// <summary>The racers that can race (<see cref="RacerSelection.Refusal"/>): every one but Muon, which takes matrices only.</summary>
    private static IEnumerable<string> RacingRacers => RacerCatalog.Names.Where(name => new RacerSelection(RacerCatalog.Find(name)!, null).Refusal() is null);

    [Fact]
    public async Task The_first_race_equals_the_CLIs_bit_for_bit_and_the_page_shows_it()
    {
        var errors = new List<string>();
        var page = await browser.OpenAsync(errors);
        await page.ClickAsync("#end");

        var race = await PageRace.ReadAsync(page);
        Assert.Equal("beale", race.Landscape);
        Assert.Equal(["SGD", "SGD+momentum", "RMSprop", "Adam"], race.Runs.Select(run => run.Racer));
        Assert.All(race.Runs, run => Assert.Equal(race.Steps + 1, run.Path.Count));
        race.AssertEqualsCliRace();
        Assert.Equal($"step {race.Steps} of {race.Steps}", await page.TextContentAsync("#counter"));

        // The kernels ran on WebAssembly's 128-bit SIMD: Vector<float> has 4 lanes here (8 or 16 in the CLI on x64).
        var vector = await page.EvaluateAsync<JsonElement>("() => window.raceState.catalog.vector");
        Assert.True(vector.GetProperty("hardwareAccelerated").GetBoolean());
        Assert.Equal(4, vector.GetProperty("lanes").GetInt32());

        // Every racer of the race's catalogue that can race is offered; Muon, of matrices only, is listed with why; and
        // each selected racer's update is typeset (MathML).
        var offered = await page.EvalOnSelectorAllAsync<string[]>("#choices input", "boxes => boxes.map(box => box.value)");
        Assert.Equal(RacingRacers.Order(), offered.Order());
        Assert.DoesNotContain("Muon", offered);
        Assert.Equal("Not racing: Muon takes matrices only (at least 2 dimensions), and a racer's position is a vector.",
            await page.TextContentAsync("#refused li[data-racer='Muon']"));
        Assert.True(await page.Locator("article[data-racer='Adam'] .equations math").CountAsync() >= 5);

        // The map: terrain colours, contours, four coloured paths; the chart and the table beside it.
        Directory.CreateDirectory(RaceBrowser.Screenshots);
        byte[] map = await page.Locator("#map").ScreenshotAsync();
        byte[] whole = await page.ScreenshotAsync(new() { Path = Path.Combine(RaceBrowser.Screenshots, "race-page.png") });
        AssertBusyPicture(map, minimumColours: 500);
        AssertBusyPicture(whole, minimumColours: 1000);
        AssertHasColour(map, 0x1f, 0x77, 0xb4); // SGD
        AssertHasColour(map, 0xd6, 0x27, 0x28); // Adam
        byte[] chart = await page.Locator("#chart").ScreenshotAsync();
        AssertHasColour(chart, 0xff, 0x7f, 0x0e); // SGD+momentum
        Assert.Equal(4, await page.Locator("#results tbody tr").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Every_optimizer_on_least_squares_with_clipping_and_amsgrad_equals_the_CLI()
    {
        var errors = new List<string>();
        var page = await browser.OpenAsync(errors);
        await page.SelectOptionAsync("#landscape", "least-squares");
        await ChangeAsync(page, "#steps", "300");
        await ChangeAsync(page, "#clip", "2");
        foreach (var box in await page.Locator("#choices input").AllAsync()) await box.CheckAsync();
        var adam = page.Locator("article[data-racer='Adam']");
        await adam.Locator("summary").ClickAsync();
        await adam.Locator("input[data-hyper='amsgrad']").CheckAsync();

        var race = await PageRace.ReadAsync(page);
        Assert.Equal(("least-squares", 300, 2.0), (race.Landscape, race.Steps, race.Clip));
        Assert.Equal(RacingRacers.Count(), race.Runs.Count);
        // MuonWithAuxAdam races a vector in its Adam group, at the authors' Adam rate, and moves.
        var auxAdam = race.Runs.Single(run => run.Racer == "MuonWithAuxAdam");
        Assert.Equal(3e-4, auxAdam.LearningRate);
        Assert.NotEqual(auxAdam.Path[0], auxAdam.Path[^1]);
        Assert.Contains(race.Runs, run => run.Racer == "Adam" && run.Hyperparameters.Contains(new("amsgrad", true)));
        // Five coordinates: a 4-lane vector and a scalar tail in the browser, the scalar tail alone in the CLI.
        Assert.All(race.Runs, run => Assert.Equal(5, run.Path[0].Length));
        race.AssertEqualsCliRace();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Sliders_and_a_click_on_the_map_change_the_race_which_stays_equal_to_the_CLIs()
    {
        var errors = new List<string>();
        var page = await browser.OpenAsync(errors);
        var before = await PageRace.ReadAsync(page);
        var adam = page.Locator("article[data-racer='Adam']");

        await adam.Locator("input[type=range][data-hyper='lr']").FillAsync("300");
        var slower = await PageRace.ReadAsync(page);
        Assert.True(slower.RaceCount > before.RaceCount);
        double oldRate = before.Runs.Single(run => run.Racer == "Adam").LearningRate;
        double newRate = slower.Runs.Single(run => run.Racer == "Adam").LearningRate;
        Assert.True(newRate < oldRate, $"Adam's lr went from {oldRate} to {newRate}; the slider was moved left.");
        Assert.NotEqual(Final(before, "Adam"), Final(slower, "Adam"));
        Assert.Equal(Final(before, "SGD"), Final(slower, "SGD"));
        slower.AssertEqualsCliRace();

        await adam.Locator("summary").ClickAsync();
        await adam.Locator("input[type=range][data-hyper='beta1']").FillAsync("500");
        var lessMomentum = await PageRace.ReadAsync(page);
        Assert.Contains(new KeyValuePair<string, object>("beta1", 0.5), lessMomentum.Runs.Single(run => run.Racer == "Adam").Hyperparameters);
        Assert.NotEqual(Final(slower, "Adam"), Final(lessMomentum, "Adam"));
        lessMomentum.AssertEqualsCliRace();

        // A typed value outside the declared range is refused with the optimizer's own message; nothing is raced.
        await ChangeAsync(page, "article[data-racer='Adam'] input[type=number][data-hyper='beta1']", "1.5");
        string? status = await page.TextContentAsync("#status");
        Assert.Contains("Adam: hyperparameter 'beta1' (torch: betas[0]) must be in [0, 1); got 1.5", status);
        Assert.Equal(lessMomentum.RaceCount, (await PageRace.ReadAsync(page)).RaceCount);
        await ChangeAsync(page, "article[data-racer='Adam'] input[type=number][data-hyper='beta1']", "0.5");
        Assert.DoesNotContain("must be", await page.TextContentAsync("#status"));

        // A click a quarter of the way across and down the map starts every racer there.
        var map = page.Locator("#map");
        var box = (await map.BoundingBoxAsync())!;
        await map.ClickAsync(new() { Position = new() { X = box.Width * 0.25f, Y = box.Height * 0.25f } });
        var moved = await PageRace.ReadAsync(page);
        Assert.NotEqual(before.Start, moved.Start);
        // The racers hold float32 positions: they start at the start rounded to float.
        Assert.All(moved.Runs, run => Assert.Equal(moved.Start.Select(coordinate => (double)(float)coordinate), run.Path[0]));
        moved.AssertEqualsCliRace();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Matrix_work_the_page_cannot_run_is_refused_naming_the_racer_and_why()
    {
        var errors = new List<string>();
        var page = await browser.OpenAsync(errors);
        await page.Locator("#choices input[value='SOAP']").CheckAsync();
        var before = await PageRace.ReadAsync(page);
        Assert.Contains(before.Runs, run => run.Racer == "SOAP");

        // Preconditioning a vector (precondition1d) takes eigenvectors, which OpenBLAS computes: a web page has no native library.
        var soap = page.Locator("article[data-racer='SOAP']");
        await soap.Locator("summary").ClickAsync();
        await soap.Locator("input[data-hyper='precondition1d']").CheckAsync();
        Assert.Equal("SOAP cannot race in a web page with these settings: its matrix work calls OpenBLAS, a native library, and a web page has none.",
            await page.TextContentAsync("#status"));
        Assert.Equal(before.RaceCount, (await PageRace.ReadAsync(page)).RaceCount);

        await soap.Locator("input[data-hyper='precondition1d']").UncheckAsync();
        var after = await PageRace.ReadAsync(page);
        Assert.Equal(before.RaceCount + 1, after.RaceCount);
        after.AssertEqualsCliRace();
        Assert.Empty(errors);
    }

    /// <summary>Types into an input and leaves it, as a user does, so its change event fires.</summary>
    private static async Task ChangeAsync(IPage page, string selector, string value)
    {
        await page.FillAsync(selector, value);
        await page.DispatchEventAsync(selector, "change");
    }

    private static string Final(PageRace race, string racer) =>
        string.Join(",", race.Runs.Single(run => run.Racer == racer).Path[^1].Select(x => x.ToString("R")));

    private static void AssertBusyPicture(byte[] png, int minimumColours)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        int colours = bitmap.Pixels.Select(pixel => (uint)pixel).Distinct().Count();
        Assert.True(colours >= minimumColours, $"The picture has {colours} distinct colours; a drawn map has far more than {minimumColours}.");
    }

    private static void AssertHasColour(byte[] png, byte red, byte green, byte blue)
    {
        using var bitmap = SKBitmap.Decode(png);
        int matches = bitmap.Pixels.Count(pixel => Math.Abs(pixel.Red - red) <= 8 && Math.Abs(pixel.Green - green) <= 8 && Math.Abs(pixel.Blue - blue) <= 8);
        Assert.True(matches >= 30, $"Only {matches} pixels of #{red:x2}{green:x2}{blue:x2}: that racer's path is not drawn.");
    }
}
