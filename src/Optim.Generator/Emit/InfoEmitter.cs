using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Analysis;
using ScratchOptim.Generator.Model;

namespace ScratchOptim.Generator.Emit
{
    /// <summary>Writes an optimizer's documentation table as a C# expression building an <c>OptimizerInfo</c>.</summary>
    internal static class InfoEmitter
    {
        public static string Expression(KernelPlan plan)
        {
            var model = plan.Model;
            var docs = model.Documentation;
            var lines = new List<string>
            {
                "new global::ScratchOptim.OptimizerInfo(",
                "    Name: " + String(model.Declaration.Name) + ",",
                "    Summary: " + String(docs.Summary) + ",",
                "    Year: " + docs.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",",
                "    Authors: " + String(docs.Authors) + ",",
                "    Paper: " + String(docs.Paper) + ",",
                "    BuildsOn: " + String(docs.BuildsOn) + ",",
                "    Family: " + String(docs.Family) + ",",
                "    PyTorch: " + String(docs.PyTorch) + ",",
                "    StepState: " + String(docs.StepState) + ",",
                "    Contraction: " + String(model.Strict ? "strict" : "fused") + ",",
                "    Hyperparameters: new global::ScratchOptim.HyperparameterInfo[]",
                "    {",
            };
            foreach (var hyper in model.Hypers)
            {
                lines.Add("        new(" + String(hyper.Name) + ", " + String(hyper.TorchName) + ", " + String(HyperparametersEmitter.TypeName(hyper.Type)) + ", "
                    + String(hyper.DeclaredDefault ?? HyperparametersEmitter.Literal(hyper)) + ", " + ExpressionEmitter.DoubleLiteral(hyper.Min) + ", " + Bool(hyper.MinExclusive) + ", "
                    + ExpressionEmitter.DoubleLiteral(hyper.Max) + ", " + Bool(hyper.MaxExclusive) + ", " + String(hyper.Description) + "),");
            }
            lines.Add("    },");
            lines.Add("    States: new global::ScratchOptim.StateInfo[]");
            lines.Add("    {");
            for (int i = 0; i < model.States.Count; i++)
            {
                var state = model.States[i];
                var allocation = plan.States[i].Allocation;
                string initial = state.Init ?? state.InitialValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                string when = state.PerTensor ? "always (one per tensor)" : allocation is null ? "always" : EquationRenderer.Text(allocation);
                lines.Add("        new(" + String(state.Name) + ", " + String(state.TorchName) + ", " + String(initial) + ", " + (state.PerTensor ? "0" : "sizeof(float)") + ", "
                    + String(when) + ", PerTensor: " + Bool(state.PerTensor) + "),");
            }
            lines.Add("    },");
            lines.Add("    Update: new string[]");
            lines.Add("    {");
            lines.AddRange(EquationRenderer.TextLines(model.Body).Select(l => "        " + String(l) + ","));
            lines.Add("    },");
            lines.Add("    UpdateLatex: new string[]");
            lines.Add("    {");
            lines.AddRange(EquationRenderer.LatexLines(model.Body).Select(l => "        " + String(l) + ","));
            lines.Add("    },");
            lines.Add("    Hoisted: new global::ScratchOptim.HoistedInfo[]");
            lines.Add("    {");
            lines.AddRange(plan.Prologue.Where(p => p.Statement.Declares).Select(p => "        new(" + String(p.Statement.Target.Name) + ", " + String(EquationRenderer.Text(p.Statement.Value!)) + "),"));
            lines.AddRange(plan.Hoisted.Select(h => "        new(" + String(h.Name) + ", " + String((h.Kind == ValueKind.Bool ? "" : "(float)(") + EquationRenderer.Text(h.Definition) + (h.Kind == ValueKind.Bool ? "" : ")")) + "),"));
            lines.Add("    })");
            return string.Join("\n", lines);
        }

        private static string String(string? value) =>
            value is null ? "null" : Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
