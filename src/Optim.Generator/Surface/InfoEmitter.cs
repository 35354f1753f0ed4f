using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Docs;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;
using ScratchOptim.Generator.Targets;
using static ScratchOptim.Generator.Targets.CSharp;

namespace ScratchOptim.Generator.Surface
{
    /// <summary>Writes an optimizer's documentation table as a C# expression building an <c>OptimizerInfo</c>.</summary>
    internal static class InfoEmitter
    {
        public static string Expression(KernelPlan plan, IKernelTarget target, IReadOnlyList<PlannedProcedure> procedures)
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
                string type = hyper.Enum?.Name ?? HyperparametersEmitter.TypeName(hyper.Type) + (hyper.Optional ? "?" : "");
                string values = hyper.Enum is { } allowed ? ", Values: new[] { " + string.Join(", ", allowed.Members.Select(m => String(m.Name))) + " }" : "";
                lines.Add("        new(" + String(hyper.Name) + ", " + String(hyper.TorchName) + ", " + String(type) + ", "
                    + String(hyper.DefaultText) + ", " + DoubleLiteral(hyper.Min) + ", " + Bool(hyper.MinExclusive) + ", "
                    + DoubleLiteral(hyper.Max) + ", " + Bool(hyper.MaxExclusive) + ", " + String(hyper.Description) + values + "),");
            }
            lines.Add("    },");
            lines.Add("    States: new global::ScratchOptim.StateInfo[]");
            lines.Add("    {");
            for (int i = 0; i < model.States.Count; i++)
            {
                var state = model.States[i];
                var allocation = plan.States[i].Allocation;
                string initial = state.Init ?? state.InitialValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                string when = allocation is null ? "always" : EquationRenderer.Text(allocation);
                lines.Add("        new(" + String(state.Name) + ", " + String(state.TorchName) + ", " + String(initial)
                    + ", global::ScratchOptim.StateLayout." + Shape(state) + ", global::ScratchOptim.StateValue." + Value(state.Scalar) + ", " + String(when) + "),");
            }
            lines.Add("    },");
            lines.Add("    Update: new string[]");
            lines.Add("    {");
            lines.AddRange(RequirementEmitter.TextLines(model).Concat(EquationRenderer.TextLines(model.Body)).Select(l => "        " + String(l) + ","));
            lines.Add("    },");
            lines.Add("    UpdateLatex: new string[]");
            lines.Add("    {");
            lines.AddRange(RequirementEmitter.LatexLines(model).Concat(EquationRenderer.LatexLines(model.Body)).Select(l => "        " + String(l) + ","));
            lines.Add("    },");
            lines.Add("    Hoisted: new global::ScratchOptim.HoistedInfo[]");
            lines.Add("    {");
            // The group's own locals first (they come first in its step), then the tensors'; a step-uniform local both compute is listed once.
            var uniforms = plan.GroupSegments.Concat(plan.Final.Segments).SelectMany(s => s.Items).OfType<HostAssign>().Select(a => a.Statement)
                .Where(a => a.Declares).GroupBy(a => a.Target.Name).Select(g => g.First());
            lines.AddRange(uniforms.Select(a => "        new(" + String(a.Target.Name) + ", " + String(EquationRenderer.Text(a.Value!, target.TempName)) + "),"));
            var hoisted = plan.Final.Segments.SelectMany(s => s.Items).OfType<HostTemp>().Select(h => plan.Temps[h.Id]).Where(t => t.Kind == TempKind.Hoisted && t.Definition is not Literal);
            lines.AddRange(hoisted.Select(t => "        new(" + String(target.TempName(t.Id)) + ", " + String(Hoisted(t, target)) + "),"));
            lines.Add("    },");
            lines.Add("    Reductions: new string[]");
            lines.Add("    {");
            lines.AddRange(Reductions(model).Select(r => "        " + String(r) + ","));
            lines.Add("    })");
            var properties = new List<string>();
            if (docs.MinRank != 0) properties.Add("MinRank = " + Int(docs.MinRank));
            if (docs.MaxRank != int.MaxValue) properties.Add("MaxRank = " + Int(docs.MaxRank));
            if (model.AcrossGroups) properties.Add("AcrossGroups = true");
            var matrixWork = MatrixOperations(model).ToList();
            if (matrixWork.Count > 0) properties.Add("MatrixOperations = new string[] { " + string.Join(", ", matrixWork.Select(String)) + " }");
            if (properties.Count > 0 && procedures.Count == 0) lines.Add("{ " + string.Join(", ", properties) + " }");
            if (procedures.Count > 0)
            {
                lines.Add("{");
                foreach (var property in properties) lines.Add("    " + property + ",");
                lines.Add("    Procedures = new global::ScratchOptim.ProcedureInfo[]");
                lines.Add("    {");
                foreach (var procedure in procedures.Select(p => p.Procedure))
                {
                    lines.Add("        new(" + String(procedure.Name) + ", " + String(procedure.Summary) + ", " + Bool(procedure.Signature.HasGrad) + ",");
                    lines.Add("            new string[] { " + string.Join(", ", EquationRenderer.TextLines(procedure.Body).Select(String)) + " },");
                    lines.Add("            new string[] { " + string.Join(", ", EquationRenderer.LatexLines(procedure.Body).Select(String)) + " }),");
                }
                lines.Add("    },");
                lines.Add("}");
            }
            return string.Join("\n", lines);
        }

        /// <summary>Each distinct reduction of the update, as declared.</summary>
        private static IEnumerable<string> Reductions(OptimizerModel model)
        {
            var found = new List<string>();
            IrWalker.Visit(model.Body, _ => { }, expr =>
            {
                if (expr is Call call && Operators.Get(call.Operator).IsReduction) found.Add(EquationRenderer.Text(call));
            });
            return found.Distinct();
        }

        private static string Hoisted(TempValue temp, IKernelTarget target)
        {
            string text = EquationRenderer.Text(temp.Definition, target.TempName);
            return temp.Type.IsBoolean || temp.Definition.Type.Scalar == Scalar.Element ? text : "(Element)(" + text + ")";
        }

        private static string Int(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Shape(StateModel state) => state.Space switch
        {
            Space.Element => "Element",
            Space.Row => "Row",
            Space.Column => "Column",
            Space.Group => "Group",
            Space.Matrix => state.Matrix!.Value.Rows switch { Extent.Rows => "RowByRow", Extent.Columns => "ColumnByColumn", _ => "ElementByElement" },
            _ => "Tensor",
        };

        /// <summary>Each distinct piece of matrix work of the update, as declared: the values of matrix assignments and the matrices read per element.</summary>
        private static IEnumerable<string> MatrixOperations(OptimizerModel model)
        {
            var found = new List<string>();
            IrWalker.Visit(model.Body, statement =>
            {
                if (statement is MatrixAssign assign && assign.Value is not MatrixVariable and not AsMatrix) found.Add(EquationRenderer.Text(assign.Value));
            }, expr =>
            {
                if (expr is ElementOf read && read.Matrix is not MatrixVariable) found.Add(EquationRenderer.Text(read.Matrix));
            });
            return found.Distinct();
        }

        private static string Value(Scalar scalar) => scalar switch
        {
            Scalar.Float => "Float32",
            Scalar.Double => "Float64",
            _ => "Element",
        };
    }
}
