using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Docs
{
    /// <summary>
    /// Renders the IR as text a learner reads: the update as declared (C#-like, the user's names) for comments and
    /// docs, and as LaTeX for the documentation tables.
    /// </summary>
    internal static class EquationRenderer
    {
        private static readonly HashSet<string> Greek = new HashSet<string>
        {
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu", "nu", "xi",
            "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
        };

        private static readonly Dictionary<string, string> Conventional = new Dictionary<string, string>
        {
            ["lr"] = @"\eta",
            ["eps"] = @"\epsilon",
            ["lambd"] = @"\lambda",
        };

        /// <summary>The update as plain text, one line per statement, nested statements indented.</summary>
        public static IReadOnlyList<string> TextLines(EquatableArray<Stmt> body)
        {
            var lines = new List<string>();
            AppendLines(body, "", lines, latex: false);
            return lines;
        }

        /// <summary>The update in LaTeX, one line per statement.</summary>
        public static IReadOnlyList<string> LatexLines(EquatableArray<Stmt> body)
        {
            var lines = new List<string>();
            AppendLines(body, "", lines, latex: true);
            return lines;
        }

        /// <summary>One assignment as text, e.g. <c>m = beta1 * m + (1 - beta1) * g</c>.</summary>
        public static string Text(Assign assign)
        {
            string target = assign.Declares ? TypeName(assign.Target.Type.Scalar) + " " + assign.Target.Name : assign.Target.Name;
            return assign.Value is null ? target : target + " = " + Text(assign.Value);
        }

        /// <summary>One matrix assignment as text, e.g. <c>left = Lerp(left, g * Transpose(g), 1 - shampooBeta)</c>.</summary>
        public static string Text(MatrixAssign assign, System.Func<int, string>? tempName = null) =>
            (assign.Declares ? "Matrix " : "") + assign.Target.Name + " = " + Render(assign.Value, latex: false, tempName);

        public static string Text(Expr expr) => Render(expr, latex: false);

        /// <summary>A scheduled expression as text, its temps by the names <paramref name="tempName"/> gives them.</summary>
        public static string Text(Expr expr, System.Func<int, string> tempName) => Render(expr, latex: false, tempName);

        public static string Latex(Expr expr) => Render(expr, latex: true);

        private static void AppendLines(EquatableArray<Stmt> statements, string indent, List<string> lines, bool latex)
        {
            string nested = latex ? indent + @"\quad " : indent + "    ";
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case Assign assign when latex:
                        if (assign.Value is not null) lines.Add(indent + Symbol(assign.Target.Name) + @" \leftarrow " + Latex(assign.Value));
                        break;
                    case Assign assign:
                        lines.Add(indent + Text(assign));
                        break;
                    case MatrixAssign matrix when latex:
                        lines.Add(indent + Symbol(matrix.Target.Name) + @" \leftarrow " + Latex(matrix.Value));
                        break;
                    case MatrixAssign matrix:
                        lines.Add(indent + Text(matrix));
                        break;
                    case If branch:
                        lines.Add(indent + (latex ? @"\textbf{if } " + Latex(branch.Condition) + ":" : "if (" + Text(branch.Condition) + ")"));
                        AppendLines(branch.Then, nested, lines, latex);
                        if (branch.Else.Count > 0)
                        {
                            lines.Add(indent + (latex ? @"\textbf{else}:" : "else"));
                            AppendLines(branch.Else, nested, lines, latex);
                        }
                        break;
                }
            }
        }

        private static string TypeName(Scalar scalar) => scalar switch
        {
            Scalar.Bool => "bool",
            Scalar.Int => "int",
            Scalar.Double => "double",
            Scalar.Float => "float",
            _ => "Element",
        };

        private static string Render(Expr expr, bool latex, System.Func<int, string>? tempName = null)
        {
            switch (expr)
            {
                case Ir.Temp temp when tempName is not null:
                    return tempName(temp.Id);
                case Literal literal when double.IsInfinity(literal.Value):
                    return (literal.Value < 0 ? "-" : "") + (latex ? @"\infty" : "∞");
                case Literal literal:
                    return literal.Type.IsBoolean ? (literal.Value != 0 ? "true" : "false") : literal.Value.ToString("R", CultureInfo.InvariantCulture);
                case Variable variable:
                    return latex ? Symbol(variable.Name) : variable.Name;
                case EnumValue value:
                    return latex ? @"\text{" + value.Member.Replace("_", @"\_") + "}" : value.TypeName + "." + value.Member;
                case Convert convert:
                    return latex ? Render(convert.Operand, latex, tempName) : "(" + TypeName(convert.Type.Scalar) + ")" + Operand(convert.Operand, 7, latex, false, tempName);
                case Unary { Op: UnaryOp.Not, Operand: Call { Operator: "HasValue" } missing } when !latex:
                    return Render(missing.Arguments[0], latex, tempName) + " == null";
                case Unary unary:
                    string operandText = Operand(unary.Operand, 7, latex, false, tempName);
                    // -(-x) reads as a decrement without its parentheses.
                    if (unary.Op == UnaryOp.Negate && operandText.StartsWith("-", System.StringComparison.Ordinal))
                        operandText = latex ? @"\left(" + operandText + @"\right)" : "(" + operandText + ")";
                    return (unary.Op == UnaryOp.Negate ? "-" : latex ? @"\lnot " : "!") + operandText;
                case Binary binary when latex && binary.Op == BinaryOp.Divide:
                    return @"\frac{" + Render(binary.Left, latex, tempName) + "}{" + Render(binary.Right, latex, tempName) + "}";
                case Binary binary:
                    int precedence = binary.Precedence();
                    return Operand(binary.Left, precedence, latex, false, tempName) + " " + OperatorText(binary.Op, latex) + " " + Operand(binary.Right, precedence, latex, true, tempName);
                case Conditional conditional when latex:
                    return @"\begin{cases} " + Render(conditional.WhenTrue, latex, tempName) + @" & \text{if } " + Render(conditional.Condition, latex, tempName)
                        + @" \\ " + Render(conditional.WhenFalse, latex, tempName) + @" & \text{otherwise} \end{cases}";
                case Conditional conditional:
                    return Operand(conditional.Condition, 1, latex, false, tempName) + " ? " + Operand(conditional.WhenTrue, 1, latex, false, tempName) + " : " + Operand(conditional.WhenFalse, 0, latex, false, tempName);
                case Call { Operator: "HasValue" } test when !latex:
                    return Render(test.Arguments[0], latex, tempName) + " != null";
                case Call call:
                    return latex ? LatexCall(call) : (call.SystemMath ? "Math." : "") + call.Operator + "(" + string.Join(", ", call.Arguments.Select(a => Render(a, latex, tempName))) + ")";
                case AsMatrix matrix:
                    return Render(matrix.Element, latex, tempName);
                case ElementOf element:
                    return Render(element.Matrix, latex, tempName);
                case MatrixTemp temp when tempName is not null:
                    return tempName(temp.Id);
                case MatrixVariable variable:
                    return latex ? Symbol(variable.Name) : variable.Name;
                case MatrixProduct product:
                    return Operand(product.Left, 6, latex, false, tempName) + (latex ? " " : " * ") + Operand(product.Right, 6, latex, true, tempName);
                case MatrixCall call:
                    var arguments = call.Matrices.Cast<Expr>().Concat(call.Settings).ToList();
                    if (!latex) return call.Operator + "(" + string.Join(", ", arguments.Select(a => Render(a, latex, tempName))) + ")";
                    var op = Operators.Get(call.Operator);
                    return string.Format(CultureInfo.InvariantCulture, op.Latex,
                        arguments.Select((a, i) => i < op.LatexTightArguments ? Operand(a, op.LatexTightPrecedence, true, false, tempName) : Render(a, true, tempName)).ToArray<object>());
                case MatrixMap map:
                    return Render(WithOperands(map.Body, map.Operands), latex, tempName);
                case Scheduling.NewState state:
                    // A per-row or per-column state's new values, read after the statement that computed them: as declared, the state.
                    return latex ? Symbol(state.Name) : state.Name;
                default:
                    return expr.ToString();
            }
        }

        /// <summary>A matrix map's body with its operands in place of their placeholders, to render as one expression.</summary>
        private static Expr WithOperands(Expr body, EquatableArray<MatrixExpr> operands) => body switch
        {
            MapOperand operand => operands[operand.Index],
            _ => IrWalker.Rebuild(body, e => WithOperands(e, operands)),
        };

        private static string Operand(Expr operand, int parentPrecedence, bool latex, bool right, System.Func<int, string>? tempName = null)
        {
            int precedence = operand.Precedence();
            string text = Render(operand, latex, tempName);
            bool wrap = precedence < parentPrecedence || (right && precedence == parentPrecedence && !(latex && operand is Binary { Op: BinaryOp.Divide }));
            if (latex && operand is Binary { Op: BinaryOp.Divide } && parentPrecedence <= 6) wrap = false;
            return wrap ? (latex ? @"\left(" + text + @"\right)" : "(" + text + ")") : text;
        }

        private static string OperatorText(BinaryOp op, bool latex) => latex ? BinaryOperators.Latex(op) : BinaryOperators.CSharp(op);

        private static string LatexCall(Call call)
        {
            var op = Operators.Get(call.Operator);
            // Arguments the pattern writes next to each other (a power's base, a product's factors) bind tighter.
            var args = call.Arguments.Select((a, i) => i < op.LatexTightArguments ? Operand(a, op.LatexTightPrecedence, true, false) : Render(a, latex: true));
            return string.Format(CultureInfo.InvariantCulture, op.Latex, args.ToArray<object>());
        }

        /// <summary><c>beta1</c> → <c>\beta_{1}</c>, <c>lr</c> → <c>\eta</c>, <c>weightDecay</c> → <c>\mathrm{weightDecay}</c>.</summary>
        internal static string Symbol(string name)
        {
            if (Conventional.TryGetValue(name, out var conventional)) return conventional;
            int digits = name.Length;
            while (digits > 0 && char.IsDigit(name[digits - 1])) digits--;
            string stem = name.Substring(0, digits);
            string subscript = digits < name.Length ? "_{" + name.Substring(digits) + "}" : "";
            if (stem.Length == 0) return name;
            if (Greek.Contains(stem)) return "\\" + stem + subscript;
            if (Conventional.TryGetValue(stem, out var conventionalStem)) return conventionalStem + subscript;
            return (stem.Length == 1 ? stem : @"\mathrm{" + stem + "}") + subscript;
        }
    }
}
