using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// docs/procedures.md's SophiaG program, which produces the Hessian estimate from labels the model samples, compiles
/// without warnings and trains: the loss it prints falls from ln 3 to below a tenth of it.
/// </summary>
public class SophiaExampleTests
{
    private const string Marker = "<!-- compiled and run by tests/Optim.Training.Tests/SophiaExampleTests.cs -->";

    [Fact]
    public void The_Hessian_estimate_example_compiles_and_trains()
    {
        var entryPoint = ReadmeExampleTests.Compile(Example());
        var printed = new StringWriter();
        var console = Console.Out;
        var culture = CultureInfo.CurrentCulture;
        Console.SetOut(printed);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            entryPoint.Invoke(null, [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(console);
            CultureInfo.CurrentCulture = culture;
        }

        double before = Loss(printed.ToString(), "before");
        double after = Loss(printed.ToString(), "after");
        Assert.Equal(Math.Log(3), before, 4);
        Assert.InRange(after, 0, before / 10);
    }

    private static double Loss(string output, string when)
    {
        var match = Regex.Match(output, $@"loss {when}: (\S+)");
        Assert.True(match.Success, $"the example printed no 'loss {when}' line:\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The C# block after the marker in docs/procedures.md.</summary>
    private static string Example()
    {
        string page = File.ReadAllText(Path.Combine(Paths.Repository, "docs", "procedures.md"));
        int marker = page.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"docs/procedures.md has no '{Marker}'");
        int start = page.IndexOf("```csharp\n", marker, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = page.IndexOf("\n```", start, StringComparison.Ordinal);
        return page[start..end];
    }
}
