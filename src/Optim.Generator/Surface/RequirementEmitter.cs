using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Docs;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Syntax;
using ScratchOptim.Generator.Targets;
using ScratchOptim.Generator.Targets.Cpu;
using static ScratchOptim.Generator.Targets.CSharp;

namespace ScratchOptim.Generator.Surface
{
    /// <summary>
    /// Writes the update's <c>Require(condition, message)</c> checks as the optimizer's <c>StepRefusal</c>, which the
    /// runtime calls for every parameter (with its shape) before a step writes anything, and as lines of the documented
    /// update.
    /// </summary>
    internal static class RequirementEmitter
    {
        public static void Write(SourceWriter writer, OptimizerModel model, string generatedCode)
        {
            if (model.Requirements.Count == 0) return;
            var read = new HashSet<string>();
            bool readsStep = false;
            var shapeQueries = new HashSet<string>();
            foreach (var requirement in model.Requirements)
            {
                IrWalker.Visit(requirement.Condition, e =>
                {
                    if (e is Variable { Role: VariableRole.State } state) read.Add(state.Name);
                    readsStep |= e is Variable { Role: VariableRole.Step };
                    if (e is Call call && Operators.Get(call.Operator).Kind == OperatorKind.Shape) shapeQueries.Add(call.Operator);
                });
            }
            var expressions = new CpuExpressions(System.Array.Empty<string>(), model);

            writer.Line("/// <inheritdoc/>");
            writer.Line(generatedCode);
            writer.Line("protected override string? StepRefusal(Hyperparameters hyper, global::ScratchOptim.Parameter parameter, global::ScratchOptim.ParameterState state)");
            using (writer.Block())
            {
                if (shapeQueries.Count > 0)
                {
                    // Only what the checks read: the conditions are step-uniform, so Count is the tensor's length.
                    writer.Line("// The parameter's shape, which the checks read.");
                    writer.Line("var shape = ShapeOf(parameter);");
                    if (shapeQueries.Contains("Count")) writer.Line("int length = parameter.Length;");
                    if (shapeQueries.Contains("Rows") || shapeQueries.Contains("Columns")) writer.Line(Targets.Cpu.CpuTarget.RowsAndColumns);
                }
                if (readsStep) writer.Line("int " + Id(model.Signature.Step) + " = state.Step + 1; // the step about to be taken");
                for (int i = 0; i < model.States.Count; i++)
                {
                    var state = model.States[i];
                    if (!read.Contains(state.Name)) continue;
                    string type = KernelEmitter.ScalarType(state.Scalar);
                    writer.Line(type + " " + Id(state.Name) + " = state.ValueOrInitial<" + type + ">(" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", " + Initial(state) + ");");
                }
                foreach (var requirement in model.Requirements)
                {
                    writer.Line("// " + Text(requirement));
                    writer.Line("if (!(" + expressions.Uniform(requirement.Condition) + ")) return " + String(requirement.Message) + ";");
                }
                writer.Line("return null;");
            }
            writer.Line();
        }

        /// <summary>The checks as the documentation shows them, before the update's statements.</summary>
        public static IEnumerable<string> TextLines(OptimizerModel model) => model.Requirements.Select(Text);

        public static IEnumerable<string> LatexLines(OptimizerModel model) =>
            model.Requirements.Select(r => @"\textbf{require } " + EquationRenderer.Latex(r.Condition));

        private static string Text(Requirement requirement) =>
            "Require(" + EquationRenderer.Text(requirement.Condition) + ", " + String(requirement.Message) + ")";

        /// <summary>What a per-tensor state holds before it is allocated.</summary>
        private static string Initial(StateModel state)
        {
            string value = state.Init is not null ? "hyper." + DslNames.PascalCase(state.Init) : DoubleLiteral(state.InitialValue);
            return state.Scalar == Scalar.Float ? (state.Init is not null ? "(float)" + value : FloatLiteral(state.InitialValue)) : value;
        }
    }
}
