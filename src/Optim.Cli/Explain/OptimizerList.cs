using System;
using System.Collections.Generic;
using System.Globalization;
using ScratchOptim.Cli.Docs;
using Spectre.Console;

namespace ScratchOptim.Cli.Explain;

/// <summary>The table of <c>optim list</c>: one row per optimizer, in order of invention.</summary>
public static class OptimizerList
{
    private const string TorchPrefix = "torch.optim.";

    public static void Write(IAnsiConsole console, IEnumerable<OptimizerInfo> optimizers)
    {
        var ordered = Lineage.InOrderOfInvention(optimizers);
        // Every column but the hyperparameters keeps its cells on one line; the hyperparameters wrap between entries.
        var table = new Table()
            .AddColumn(new TableColumn("optimizer").NoWrap())
            .AddColumn(new TableColumn("year").NoWrap().RightAligned())
            .AddColumn(new TableColumn("family").NoWrap())
            .AddColumn(new TableColumn("memory").NoWrap().RightAligned())
            .AddColumn(new TableColumn("hyperparameters (defaults)"))
            .AddColumn(new TableColumn(TorchPrefix.TrimEnd('.')).NoWrap());
        foreach (var optimizer in ordered)
        {
            table.AddRow(
                new Text(optimizer.Name),
                new Text(optimizer.Year.ToString(CultureInfo.InvariantCulture)),
                new Text(optimizer.Family ?? "—"),
                new Text(OptimizerMarkdown.Memory(optimizer)),
                new Text(OptimizerMarkdown.Defaults(optimizer)),
                new Text(PyTorchClass(optimizer)));
        }
        console.Write(table);
        // A line of its own, not the table's caption: a caption wraps at the table's width, however wide the console.
        console.WriteLine(
            $"{ordered.Count} optimizers, in order of invention. Memory: bytes of state per float32 parameter element " +
            "(always allocated–with every option on). torch.optim: the PyTorch class it reproduces, from torch.optim or, for " +
            "the modern optimizers, from the authors' code. More: optim show NAME");
    }

    /// <summary>
    /// The class name within <c>torch.optim</c>, or within the authors' module (<c>adabelief_pytorch.AdaBelief</c> shows
    /// as <c>AdaBelief</c>, so the column stays narrow; <c>optim show</c> names the module), or a dash.
    /// </summary>
    private static string PyTorchClass(OptimizerInfo optimizer) => optimizer.PyTorch switch
    {
        null => "—",
        { } name when name.StartsWith(TorchPrefix, StringComparison.Ordinal) => name[TorchPrefix.Length..],
        { } name => name[(name.LastIndexOf('.') + 1)..],
    };
}
