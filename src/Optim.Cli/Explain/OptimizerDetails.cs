using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Cli.Docs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ScratchOptim.Cli.Explain;

/// <summary>What <c>optim show NAME</c> prints: everything the generated documentation knows about one optimizer.</summary>
public static class OptimizerDetails
{
    /// <param name="optimizer">The optimizer to show.</param>
    /// <param name="known">Every optimizer, to trace what it builds on and what builds on it.</param>
    public static void Write(IAnsiConsole console, OptimizerInfo optimizer, IReadOnlyCollection<OptimizerInfo> known)
    {
        string family = optimizer.Family is null ? "" : $", {optimizer.Family}";
        console.MarkupLineInterpolated($"[bold]{optimizer.Name}[/] ({optimizer.Year}{family})");
        console.WriteLine(optimizer.Summary);
        console.WriteLine();

        var facts = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        AddFact(facts, "paper", Paper(optimizer));
        AddFact(facts, "lineage", LineageText(optimizer, known));
        AddFact(facts, "PyTorch", optimizer.PyTorch ?? "no PyTorch equivalent");
        if (OptimizerMarkdown.PyTorchVersions(optimizer) is { } versions) AddFact(facts, "versions", versions.Replace("`", "", System.StringComparison.Ordinal));
        AddFact(facts, "memory", $"{OptimizerMarkdown.Memory(optimizer)} of state per float32 parameter element (always allocated–with every option on)");
        AddFact(facts, "rounding", optimizer.Contraction == "fused"
            ? "fused: x + a·b on a per-element product is one fma, as PyTorch's kernels (README: the arithmetic contract)"
            : $"{optimizer.Contraction}: every operation rounded as written (README: the arithmetic contract)");
        console.Write(facts);
        console.WriteLine();

        console.MarkupLine("[bold]Update[/], per element, each step (t counts steps from 1, g is the gradient, p the parameter):");
        foreach (string line in optimizer.Update) console.WriteLine("  " + line);
        console.WriteLine();

        foreach (var procedure in optimizer.Procedures)
        {
            string over = procedure.ReadsGradient ? "every parameter that has a gradient" : "every parameter";
            console.MarkupLine($"[bold]{procedure.Name}()[/], per element of {over}: {Markup.Escape(procedure.Summary)}");
            foreach (string line in procedure.Body) console.WriteLine("  " + line);
            console.WriteLine();
        }

        console.MarkupLine("[bold]Hyperparameters[/]");
        var hyperparameters = new Table()
            .AddColumn("name").AddColumn("PyTorch").AddColumn("type").AddColumn("default").AddColumn("range").AddColumn("description");
        foreach (var hyper in optimizer.Hyperparameters)
            AddRow(hyperparameters, hyper.Name, hyper.TorchName, hyper.Type, hyper.Default, hyper.Range == "" ? "—" : hyper.Range, hyper.Description);
        console.Write(hyperparameters);
        console.WriteLine();

        console.MarkupLine("[bold]State[/]");
        if (optimizer.States.Count == 0)
        {
            console.WriteLine("None: the update needs nothing but the parameter and its gradient.");
        }
        else
        {
            var states = new Table()
                .AddColumn("name").AddColumn("PyTorch").AddColumn("holds").AddColumn("starts at")
                .AddColumn(new TableColumn("bytes per element").RightAligned()).AddColumn("allocated");
            foreach (var state in optimizer.States)
                AddRow(states, state.Name, state.TorchName, Docs.OptimizerMarkdown.Holds(optimizer, state), state.Initial, state.BytesPerElement(ElementType.Float32).ToString(CultureInfo.InvariantCulture), state.AllocatedWhen);
            console.Write(states);
        }
        console.WriteLine();

        console.MarkupLine("[bold]Hoisted[/]: computed once per step instead of once per element");
        if (optimizer.Hoisted.Count == 0)
        {
            console.WriteLine("None.");
        }
        else
        {
            var hoisted = new Table().AddColumn("name").AddColumn("value");
            foreach (var value in optimizer.Hoisted) AddRow(hoisted, value.Name, value.Expression);
            console.Write(hoisted);
        }
        console.WriteLine();
        console.WriteLine($"The generated code: optim show {optimizer.Name} --code");
    }

    private static string Paper(OptimizerInfo optimizer) => (optimizer.Authors, optimizer.Paper) switch
    {
        ({ } authors, { } paper) => $"{authors}, {optimizer.Year}: {paper}",
        ({ } authors, null) => $"{authors}, {optimizer.Year}",
        (null, { } paper) => paper,
        _ => "—",
    };

    private static string LineageText(OptimizerInfo optimizer, IReadOnlyCollection<OptimizerInfo> known)
    {
        var years = known.ToDictionary(o => o.Name, o => o.Year);
        string chain = string.Join(" → ", Lineage.Ancestry(optimizer, known)
            .Select(name => years.TryGetValue(name, out int year) ? $"{name} ({year})" : name));
        var successors = Lineage.Successors(optimizer, known);
        return successors.Count == 0 ? chain : $"{chain}; built on by {string.Join(", ", successors.Select(s => $"{s.Name} ({s.Year})"))}";
    }

    private static void AddFact(Grid grid, string name, string value) =>
        grid.AddRow(new Markup($"[bold]{Markup.Escape(name)}[/]"), new Text(value));

    private static void AddRow(Table table, params string[] cells) =>
        table.AddRow(cells.Select(cell => (IRenderable)new Text(cell)));
}
