using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// Runs the built <c>optim</c> (the optim.dll beside the tests) as its own process, output redirected to pipes as in
/// <c>optim list | less</c>: what <see cref="CliRunner"/> cannot show, Program.Main's console and anything that
/// escapes as an unhandled exception.
/// </summary>
internal static class ToolProcess
{
    public static CliRunner.Outcome Run(params string[] args)
    {
        // The SDK says which dotnet runs the tests; the same one runs the tool.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "optim.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "optim did not finish within two minutes");
        return new CliRunner.Outcome(process.ExitCode, output, error.Result);
    }
}
