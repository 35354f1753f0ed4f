using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Xunit;

namespace ScratchOptim.Web.Tests;

/// <summary>
/// Headless Chromium with the race site loaded from disk, as a user opens it (file://). The site is the one
/// <c>dotnet publish src/Optim.Web -c Release -o artifacts/race-web</c> writes (tools/test.sh publishes it first);
/// when it is missing the fixture publishes it. <c>SCRATCHOPTIM_RACE_SITE</c> points at another built site, and
/// <c>CHROMIUM</c> at another browser than Debian's /usr/bin/chromium.
/// </summary>
public sealed class RaceBrowser : IAsyncLifetime
{
    /// <summary>Generous: the machine is shared, and the page compiles the runtime and runs its first race at start.</summary>
    public const float Timeout = 180_000;

    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string Repository { get; } = typeof(RaceBrowser).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;

    public string Site { get; } = Environment.GetEnvironmentVariable("SCRATCHOPTIM_RACE_SITE")
        ?? Path.Combine(Repository, "artifacts", "race-web", "site");

    /// <summary>Where the tests leave their screenshots.</summary>
    public static string Screenshots { get; } = Path.Combine(Repository, "artifacts", "race-web", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Site, "index.html")) || !File.Exists(Path.Combine(Site, "framework.js"))) Publish();
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"No browser at {chromium}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            // As root in a container, without a GPU, and without Chromium's calls home, which this network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }

    /// <summary>A new tab with the page loaded, its first race run; errors the page reports are collected in <paramref name="errors"/>.</summary>
    public async Task<IPage> OpenAsync(List<string> errors)
    {
        var page = await browser!.NewPageAsync(new() { ViewportSize = new() { Width = 1360, Height = 1000 } });
        page.SetDefaultTimeout(Timeout);
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        await page.GotoAsync(new Uri(Path.Combine(Site, "index.html")).AbsoluteUri);
        await page.WaitForFunctionAsync("() => window.raceState && window.raceState.ready", null, new() { Timeout = Timeout });
        return page;
    }

    private void Publish()
    {
        var start = new ProcessStartInfo("dotnet", ["publish", "src/Optim.Web", "-c", "Release", "-o", Path.GetDirectoryName(Site)!])
        {
            WorkingDirectory = Repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(Site, "index.html")))
            throw new InvalidOperationException($"dotnet publish src/Optim.Web failed ({process.ExitCode}):\n{output.Result}\n{error}");
    }
}

[CollectionDefinition(Name)]
public sealed class RaceBrowserCollection : ICollectionFixture<RaceBrowser>
{
    public const string Name = "race page in Chromium";
}
