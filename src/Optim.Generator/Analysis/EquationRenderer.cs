using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Generator.Model;

namespace ScratchOptim.Generator.Analysis
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
            string target = assign.Declares ? TypeName(assign.Target.Kind) + " " + assign.Target.Name : assign.Target.Name;
            return assign.Value is null ? target : target + " = " + Text(assign.Value);
        }

        public static string Text(Expr expr) => Render(expr, latex: false);

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

        private static string TypeName(ValueKind kind) => kind switch
        {
            ValueKind.Bool => "bool",
            ValueKind.Int => "int",
            ValueKind.Double => "double",
            ValueKind.Float => "float",
            _ => "Element",
        };

        private static string Render(Expr expr, bool latex)
        {
            switch (expr)
            {
                case Literal literal:
                    return literal.Kind == ValueKind.Bool ? (literal.Value != 0 ? "true" : "false") : literal.Value.ToString("R", CultureInfo.InvariantCulture);
                case Variable variable:
                    return latex ? Symbol(variable.Name) : variable.Name;
                case EnumValue value:
                    return latex ? @"\text{" + value.Member.Replace("_", @"\_") + "}" : value.TypeName + "." + value.Member;
                case Hoisted hoisted:
                    return hoisted.Name;
                case Convert convert:
                    return latex ? Render(convert.Operand, latex) : "(" + TypeName(convert.Kind) + ")" + Operand(convert.Operand, 7, latex, false);
                case Unary unary:
                    return (unary.Op == UnaryOp.Negate ? "-" : latex ? @"\lnot " : "!") + Operand(unary.Operand, 7, latex, false);
                case Binary binary when latex && binary.Op == BinaryOp.Divide:
                    return @"\frac{" + Render(binary.Left, latex) + "}{" + Render(binary.Right, latex) + "}";
                case Binary binary:
                    int precedence = binary.Precedence();
                    return Operand(binary.Left, precedence, latex, false) + " " + OperatorText(binary.Op, latex) + " " + Operand(binary.Right, precedence, latex, true);
                case Conditional conditional when latex:
                    return @"\begin{cases} " + Render(conditional.WhenTrue, latex) + @" & \text{if } " + Render(conditional.Condition, latex)
                        + @" \\ " + Render(conditional.WhenFalse, latex) + @" & \text{otherwise} \end{cases}";
                case Conditional conditional:
                    return Operand(conditional.Condition, 1, latex, false) + " ? " + Operand(conditional.WhenTrue, 1, latex, false) + " : " + Operand(conditional.WhenFalse, 0, latex, false);
                case Call call:
                    return latex ? LatexCall(call) : call.Function + "(" + string.Join(", ", call.Arguments.Select(a => Render(a, latex))) + ")";
                default:
                    return expr.ToString();
            }
        }

        private static string Operand(Expr operand, int parentPrecedence, bool latex, bool right)
        {
            int precedence = operand.Precedence();
            string text = Render(operand, latex);
            bool wrap = precedence < parentPrecedence || (right && precedence == parentPrecedence && !(latex && operand is Binary { Op: BinaryOp.Divide }));
            if (latex && operand is Binary { Op: BinaryOp.Divide } && parentPrecedence <= 6) wrap = false;
            return wrap ? (latex ? @"\left(" + text + @"\right)" : "(" + text + ")") : text;
        }

        private static string OperatorText(BinaryOp op, bool latex) => op switch
        {
            BinaryOp.Add => "+",
            BinaryOp.Subtract => "-",
            BinaryOp.Multiply => latex ? @"\cdot" : "*",
            BinaryOp.Divide => "/",
            BinaryOp.Less => "<",
            BinaryOp.LessOrEqual => latex ? @"\le" : "<=",
            BinaryOp.Greater => ">",
            BinaryOp.GreaterOrEqual => latex ? @"\ge" : ">=",
            BinaryOp.Equal => latex ? "=" : "==",
            BinaryOp.NotEqual => latex ? @"\ne" : "!=",
            BinaryOp.And => latex ? @"\land" : "&&",
            _ => latex ? @"\lor" : "||",
        };

        private static string LatexCall(Call call)
        {
            var args = call.Arguments.Select(a => Render(a, latex: true)).ToList();
            return call.Function switch
            {
                Intrinsic.Sqrt => @"\sqrt{" + args[0] + "}",
                Intrinsic.Abs => @"\left|" + args[0] + @"\right|",
                Intrinsic.Sign => @"\operatorname{sign}\left(" + args[0] + @"\right)",
                Intrinsic.Min => @"\min\left(" + args[0] + ", " + args[1] + @"\right)",
                Intrinsic.Max => @"\max\left(" + args[0] + ", " + args[1] + @"\right)",
                Intrinsic.Clamp => @"\operatorname{clamp}\left(" + string.Join(", ", args) + @"\right)",
                Intrinsic.Pow => Operand(call.Arguments[0], 8, true, false) + "^{" + args[1] + "}",
                Intrinsic.Exp => "e^{" + args[0] + "}",
                Intrinsic.Log => @"\log\left(" + args[0] + @"\right)",
                Intrinsic.Fma => Operand(call.Arguments[0], 6, true, false) + " " + Operand(call.Arguments[1], 6, true, false) + " + " + args[2],
                Intrinsic.Lerp => @"\operatorname{lerp}\left(" + string.Join(", ", args) + @"\right)",
                _ => @"\frac{1}{" + args[0] + "}",
            };
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
