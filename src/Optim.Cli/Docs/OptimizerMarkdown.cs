using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ScratchOptim.Cli.Docs;

/// <summary>
/// Renders the generated documentation of optimizers as Markdown: one summary table, then one section per optimizer
/// with its equations, hyperparameters, state and hoisted values. Everything comes from the generated
/// <see cref="OptimizerInfo"/> records, so the page cannot drift from the code that runs.
/// </summary>
public static class OptimizerMarkdown
{
    public const string RegenerateCommand = "dotnet run --project src/Optim.Cli -- docs --out docs";

    public static string Render(IEnumerable<OptimizerInfo> optimizers)
    {
        var ordered = Lineage.InOrderOfInvention(optimizers);
        var text = new StringBuilder();
        text.Append("# Optimizers\n\n");
        text.Append($"Generated from the DSL declarations by `{RegenerateCommand}`; do not edit by hand (a test fails when it is stale).\n");
        text.Append("In order of invention; see [TIMELINE.md](../TIMELINE.md) for the history and what each one fixed.\n\n");
        text.Append("**PyTorch versions.** An optimizer with a PyTorch class reproduces `torch.optim` of PyTorch 2.x (checked against 2.14) ");
        text.Append("bit for bit by default, and PyTorch 1.13 on request: those whose arithmetic differs between the two have a ");
        text.Append("`pytorch` hyperparameter (`PyTorchVersion.V2` or `PyTorchVersion.V1_13`), and their section says what differs; ");
        text.Append("the others compute the same bits for both.\n\n");
        text.Append("| optimizer | year | family | state per parameter | hyperparameters (defaults) | PyTorch |\n");
        text.Append("|---|---|---|---|---|---|\n");
        foreach (var optimizer in ordered)
        {
            text.Append($"| [{optimizer.Name}](#{Anchor(optimizer.Name)}) | {Year(optimizer)} | {optimizer.Family ?? ""} | {Memory(optimizer)} | {Escape(Defaults(optimizer))} | {Code(optimizer.PyTorch)} |\n");
        }
        text.Append("\nState per parameter: bytes of optimizer state per float32 parameter element; a range runs from what is always allocated to what every option together needs; \"+ matrices\": square matrices over the parameter's rows or columns besides.\n");
        var names = ordered.Select(o => o.Name).ToHashSet(System.StringComparer.Ordinal);
        foreach (var optimizer in ordered) AppendSection(text, optimizer, names);
        return text.ToString();
    }

    /// <summary>Bytes of state per parameter element: what is always allocated, and the most any option needs.</summary>
    public static string Memory(OptimizerInfo optimizer)
    {
        int always = optimizer.States.Where(s => s.AllocatedWhen.StartsWith("always", System.StringComparison.Ordinal)).Sum(s => s.BytesPerElement(ElementType.Float32));
        int most = optimizer.BytesPerElement(ElementType.Float32);
        string perElement = always == most ? $"{most} B" : $"{always}–{most} B";
        return optimizer.States.Any(s => IsMatrix(s.Layout)) ? perElement + " + matrices" : perElement;
    }

    /// <summary>What a state holds: how many values, and of which type when it is not the parameter's.</summary>
    public static string Holds(OptimizerInfo optimizer, StateInfo state)
    {
        string count = state.Layout switch
        {
            StateLayout.Element => "one per element",
            StateLayout.Row => "one per row",
            StateLayout.Column => "one per column",
            StateLayout.RowByRow => "a rows × rows matrix",
            StateLayout.ColumnByColumn => "a columns × columns matrix",
            StateLayout.ElementByElement => "an n × n matrix over the n elements",
            StateLayout.Group => optimizer.AcrossGroups ? "one for all parameter groups" : "one per parameter group",
            _ => "one per tensor",
        };
        return state.Value switch
        {
            StateValue.Float32 => count + " (float32)",
            StateValue.Float64 => count + " (float64)",
            _ => count,
        };
    }

    private static bool IsMatrix(StateLayout layout) => layout is StateLayout.RowByRow or StateLayout.ColumnByColumn or StateLayout.ElementByElement;

    /// <summary>
    /// Which PyTorch releases an optimizer reproduces, and how to choose: from its <c>PyTorchVersion</c> hyperparameter,
    /// whose description says what differs. Null for an optimizer without a PyTorch class.
    /// </summary>
    public static string? PyTorchVersions(OptimizerInfo optimizer)
    {
        if (optimizer.PyTorch is null) return null;
        var setting = optimizer.Hyperparameters.FirstOrDefault(h => h.Type == "PyTorchVersion");
        return setting is null
            ? "the same arithmetic in 1.13 and 2.x, so the same bits for both."
            : $"2.x by default, 1.13 with `{setting.Name}: PyTorchVersion.V1_13`. {setting.Description}";
    }

    /// <summary>The hyperparameters with their defaults, e.g. <c>lr=0.001, momentum=0.0</c>.</summary>
    public static string Defaults(OptimizerInfo optimizer) =>
        string.Join(", ", optimizer.Hyperparameters.Select(h => $"{h.Name}={h.Default}"));

    private static void AppendSection(StringBuilder text, OptimizerInfo optimizer, HashSet<string> names)
    {
        text.Append($"\n## {optimizer.Name}\n\n");
        text.Append(optimizer.Summary).Append("\n\n");
        var facts = new List<string> { $"**{Year(optimizer)}**" };
        if (optimizer.Authors is not null) facts.Add(optimizer.Paper is null ? optimizer.Authors : $"[{optimizer.Authors}]({optimizer.Paper})");
        if (optimizer.BuildsOn is { } parent) facts.Add(names.Contains(parent) ? $"builds on [{parent}](#{Anchor(parent)})" : $"builds on {parent}");
        facts.Add(optimizer.PyTorch is null ? "no PyTorch equivalent" : $"PyTorch: `{optimizer.PyTorch}`");
        facts.Add($"multiply-adds: {optimizer.Contraction}");
        if (optimizer.Ranks is { Length: > 0 } ranks) facts.Add($"parameters: {ranks} only");
        text.Append(string.Join(" · ", facts)).Append("\n\n");
        if (PyTorchVersions(optimizer) is { } versions) text.Append("**PyTorch versions**: ").Append(Escape(versions)).Append("\n\n");

        if (GroupWide(optimizer))
        {
            // Group reductions and group state: the reader should know the step is not tensor by tensor.
            text.Append(optimizer.AcrossGroups
                ? "**Across parameter groups**: its group reductions (`Group…`) run over every tensor of every group that has a gradient, and its group state is one value for the whole optimizer (every group holds a copy), computed with the first group's hyperparameters: the groups must agree on those it reads. A step first passes over the tensors for the sums its update waits for, then once more for the update.\n\n"
                : "**Per parameter group**: its group reductions (`Group…`) run over every tensor of the group that has a gradient, and its group state is one value per group, so a step first passes over the group's tensors for the sums its update waits for, then once more for the update.\n\n");
        }
        text.Append("Per element, each step computes:\n\n```csharp\n");
        foreach (var line in optimizer.Update) text.Append(line).Append('\n');
        // A math block rather than $$ … $$: Markdown leaves its backslashes and underscores alone (GitHub renders it).
        text.Append("```\n\n```math\n\\begin{aligned}\n");
        text.Append(string.Join(" \\\\\n", optimizer.UpdateLatex.Select(l => "& " + l)));
        text.Append("\n\\end{aligned}\n```\n\n");
        if (optimizer.MatrixOperations.Count > 0)
        {
            text.Append("On whole matrices, between the loops over the elements (ScratchOptim.LinearAlgebra, on OpenBLAS; rows are all dimensions but the last):\n\n");
            foreach (var operation in optimizer.MatrixOperations) text.Append("- `").Append(Escape(operation)).Append("`\n");
            text.Append('\n');
        }

        foreach (var procedure in optimizer.Procedures)
        {
            string which = procedure.ReadsGradient ? "every parameter that has a gradient" : "every parameter";
            text.Append($"**`{procedure.Name}()`**: {Escape(procedure.Summary)} Over {which}, per element:\n\n```csharp\n");
            foreach (var line in procedure.Body) text.Append(line).Append('\n');
            text.Append("```\n\n");
        }

        text.Append("| hyperparameter | PyTorch | type | default | range | description |\n|---|---|---|---|---|---|\n");
        foreach (var hyper in optimizer.Hyperparameters)
            text.Append($"| `{hyper.Name}` | `{hyper.TorchName}` | {hyper.Type} | {hyper.Default} | {hyper.Range} | {Escape(hyper.Description)} |\n");

        if (optimizer.States.Count > 0)
        {
            text.Append($"\n| state | PyTorch | holds | starts at | bytes per element | allocated |\n|---|---|---|---|---|---|\n");
            foreach (var state in optimizer.States)
                text.Append($"| `{state.Name}` | `{state.TorchName}` | {Holds(optimizer, state)} | {state.Initial} | {state.BytesPerElement(ElementType.Float32).ToString(CultureInfo.InvariantCulture)} | {Escape(state.AllocatedWhen)} |\n");
        }
        else
        {
            text.Append("\nNo state: the update needs nothing but the parameter and its gradient.\n");
        }

        if (optimizer.Hoisted.Count > 0)
        {
            text.Append("\nComputed once per step instead of once per element (hoisted by the generator):\n\n| name | value |\n|---|---|\n");
            foreach (var hoisted in optimizer.Hoisted)
                text.Append($"| `{hoisted.Name}` | `{Escape(hoisted.Expression)}` |\n");
        }
    }

    /// <summary>Whether the update reads values of the whole parameter group (group reductions or group state).</summary>
    public static bool GroupWide(OptimizerInfo optimizer) =>
        optimizer.States.Any(s => s.Layout == StateLayout.Group) || optimizer.Reductions.Any(r => r.StartsWith("Group", System.StringComparison.Ordinal));

    private static string Year(OptimizerInfo optimizer) => optimizer.Year.ToString(CultureInfo.InvariantCulture);

    private static string Code(string? text) => text is null ? "—" : $"`{text}`";

    private static string Anchor(string name) => name.ToLowerInvariant();

    private static string Escape(string text) => text.Replace("|", "\\|", System.StringComparison.Ordinal);
}
