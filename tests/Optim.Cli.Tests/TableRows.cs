using System;
using System.Linq;

namespace ScratchOptim.Cli.Tests;

/// <summary>Reads Spectre tables back from captured output (wide enough that no cell wraps).</summary>
internal static class TableRows
{
    /// <summary>The trimmed cells of every table row.</summary>
    public static string[][] All(string output) =>
        [.. output.Split('\n')
            .Where(line => line.StartsWith('│'))
            .Select(line => line.Split('│', StringSplitOptions.TrimEntries)[1..^1])];

    public static string[] FirstCells(string output) => [.. All(output).Select(cells => cells[0])];

    /// <summary>The cells of the row whose first cell is <paramref name="first"/>.</summary>
    public static string[] Row(string output, string first) => All(output).First(cells => cells[0] == first);
}
