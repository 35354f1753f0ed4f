using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Generator.Model;
using ScratchOptim.Generator.Parsing;

namespace ScratchOptim.Generator.Emit
{
    /// <summary>
    /// Writes IR expressions as C# in one of three forms with identical rounding: step-uniform code in double
    /// precision, the scalar (float) loop and the vector (<c>Vector&lt;float&gt;</c>) loop.
    /// </summary>
    internal sealed class ExpressionEmitter
    {
        private const string Math = "global::System.Math";
        private const string ElementMath = "global::ScratchOptim.ElementMath";

        private readonly IReadOnlyDictionary<string, string> vectorNames;

        /// <param name="vectorNames">The broadcast vector of each hoisted float, by the float's name.</param>
        public ExpressionEmitter(IReadOnlyDictionary<string, string> vectorNames) => this.vectorNames = vectorNames;

        /// <summary>A step-uniform expression in double precision; hyperparameters are read from <c>hyper</c>.</summary>
        public static string Uniform(Expr expr) => expr switch
        {
            Literal literal => UniformLiteral(literal),
            Variable { Role: VariableRole.Hyper } hyper => "hyper." + DslNames.PascalCase(hyper.Name),
            Variable variable => variable.Name,
            EnumValue value => value.Type + "." + OptimizerEmitter.Id(value.Member),
            Convert convert => (convert.Kind == ValueKind.Float ? "(float)" : "(double)") + Wrap(convert.Operand, Uniform(convert.Operand), 7),
            Unary unary => (unary.Op == UnaryOp.Negate ? "-" : "!") + Wrap(unary.Operand, Uniform(unary.Operand), 7),
            Binary binary => Infix(binary, Uniform),
            Conditional conditional => Wrap(conditional.Condition, Uniform(conditional.Condition), 1) + " ? "
                + Wrap(conditional.WhenTrue, Uniform(conditional.WhenTrue), 1) + " : " + Uniform(conditional.WhenFalse),
            Call call => UniformCall(call),
            _ => throw new System.InvalidOperationException("Not a step-uniform expression: " + expr),
        };

        /// <summary>A per-element expression of the scalar loop, in float.</summary>
        public string Scalar(Expr expr) => expr switch
        {
            Literal { Kind: ValueKind.Bool } literal => literal.Value != 0 ? "true" : "false",
            Literal literal => FloatLiteral(literal.Value),
            Variable variable => variable.Name,
            Hoisted hoisted => hoisted.Name,
            Convert convert => Scalar(convert.Operand),
            Unary unary => (unary.Op == UnaryOp.Negate ? "-" : "!") + Wrap(unary.Operand, Scalar(unary.Operand), 7),
            Binary binary => Infix(binary, Scalar),
            Conditional conditional => Wrap(conditional.Condition, Scalar(conditional.Condition), 1) + " ? "
                + Wrap(conditional.WhenTrue, Scalar(conditional.WhenTrue), 1) + " : " + Scalar(conditional.WhenFalse),
            Call { Function: Intrinsic.Reciprocal } reciprocal => "1f / " + Wrap(reciprocal.Arguments[0], Scalar(reciprocal.Arguments[0]), 7),
            Call call => Function(call, Scalar),
            _ => throw new System.InvalidOperationException("Not a per-element expression: " + expr),
        };

        /// <summary>A per-element expression of the vector loop: <c>Vector&lt;float&gt;</c> values, <c>Vector&lt;int&gt;</c> masks.</summary>
        public string Vectorized(Expr expr) => expr switch
        {
            Literal { Kind: ValueKind.Bool } literal => literal.Value != 0 ? "true" : "false",
            Literal literal => "Broadcast(" + FloatLiteral(literal.Value) + ")",
            Variable variable => variable.Name,
            Hoisted hoisted => hoisted.Kind == ValueKind.Bool ? hoisted.Name : vectorNames[hoisted.Name],
            Convert convert => Vectorized(convert.Operand),
            Unary { Kind: ValueKind.ElementBool } not => "~" + Mask(not.Operand),
            Unary unary => (unary.Op == UnaryOp.Negate ? "-" : "!") + Wrap(unary.Operand, Vectorized(unary.Operand), 7),
            Binary { Op: BinaryOp.And, Kind: ValueKind.ElementBool } and => "(" + Mask(and.Left) + " & " + Mask(and.Right) + ")",
            Binary { Op: BinaryOp.Or, Kind: ValueKind.ElementBool } or => "(" + Mask(or.Left) + " | " + Mask(or.Right) + ")",
            Binary { Kind: ValueKind.ElementBool } comparison => comparison.Op + "(" + Vectorized(comparison.Left) + ", " + Vectorized(comparison.Right) + ")",
            Binary binary => Infix(binary, Vectorized),
            Conditional { Condition.Kind: ValueKind.ElementBool } select =>
                "Select(" + Mask(select.Condition) + ", " + Vectorized(select.WhenTrue) + ", " + Vectorized(select.WhenFalse) + ")",
            Conditional conditional => Wrap(conditional.Condition, Vectorized(conditional.Condition), 1) + " ? "
                + Wrap(conditional.WhenTrue, Vectorized(conditional.WhenTrue), 1) + " : " + Vectorized(conditional.WhenFalse),
            Call { Function: Intrinsic.Reciprocal } reciprocal => "Broadcast(1f) / " + Wrap(reciprocal.Arguments[0], Vectorized(reciprocal.Arguments[0]), 7),
            Call call => Function(call, Vectorized),
            _ => throw new System.InvalidOperationException("Not a per-element expression: " + expr),
        };

        /// <summary>A condition as a lane mask; a step-uniform condition selects all lanes or none.</summary>
        private string Mask(Expr condition) =>
            condition.Kind == ValueKind.ElementBool ? Vectorized(condition) : "Mask(" + Vectorized(condition) + ")";

        /// <summary>
        /// An intrinsic in the loop: <c>ElementMath</c> (imported by the generated file) has each one under the DSL's own
        /// name, for floats and for vectors with the same rounding, so both loops read like the declaration.
        /// </summary>
        private static string Function(Call call, System.Func<Expr, string> emit)
        {
            var args = call.Arguments.Select(emit).ToList();
            return call.Function == Intrinsic.Clamp
                ? "Min(Max(" + args[0] + ", " + args[1] + "), " + args[2] + ")"
                : call.Function + "(" + string.Join(", ", args) + ")";
        }

        private static string UniformCall(Call call)
        {
            var args = call.Arguments.Select(Uniform).ToList();
            return call.Function switch
            {
                Intrinsic.Clamp => Math + ".Min(" + Math + ".Max(" + args[0] + ", " + args[1] + "), " + args[2] + ")",
                Intrinsic.Sign => ElementMath + ".Sign(" + args[0] + ")",
                _ => Math + "." + call.Function + "(" + string.Join(", ", args) + ")",
            };
        }

        private static string Infix(Binary binary, System.Func<Expr, string> emit)
        {
            int precedence = binary.Precedence();
            string op = binary.Op switch
            {
                BinaryOp.Add => "+",
                BinaryOp.Subtract => "-",
                BinaryOp.Multiply => "*",
                BinaryOp.Divide => "/",
                BinaryOp.Less => "<",
                BinaryOp.LessOrEqual => "<=",
                BinaryOp.Greater => ">",
                BinaryOp.GreaterOrEqual => ">=",
                BinaryOp.Equal => "==",
                BinaryOp.NotEqual => "!=",
                BinaryOp.And => "&&",
                _ => "||",
            };
            string left = Wrap(binary.Left, emit(binary.Left), precedence);
            string right = Wrap(binary.Right, emit(binary.Right), precedence + 1);
            return left + " " + op + " " + right;
        }

        /// <summary>Parenthesizes <paramref name="text"/> when its operator binds looser than <paramref name="minimum"/>.</summary>
        private static string Wrap(Expr expr, string text, int minimum) => expr.Precedence() < minimum ? "(" + text + ")" : text;

        private static string UniformLiteral(Literal literal)
        {
            switch (literal.Kind)
            {
                case ValueKind.Bool:
                    return literal.Value != 0 ? "true" : "false";
                case ValueKind.Int:
                    return ((int)literal.Value).ToString(CultureInfo.InvariantCulture);
                case ValueKind.Float:
                    return FloatLiteral(literal.Value);
                default:
                    return DoubleLiteral(literal.Value);
            }
        }

        /// <summary>A double as a C# literal that round-trips (<c>0.9</c>, <c>1E-08</c>, <c>2.0</c>).</summary>
        public static string DoubleLiteral(double value)
        {
            if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
            if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
            if (double.IsNaN(value)) return "double.NaN";
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.IndexOfAny(new[] { '.', 'E' }) < 0 ? text + ".0" : text;
        }

        /// <summary>A double rounded to float, as a C# float literal (<c>0.5f</c>).</summary>
        public static string FloatLiteral(double value)
        {
            float single = (float)value;
            if (float.IsNaN(single)) return "float.NaN";
            if (float.IsPositiveInfinity(single)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(single)) return "float.NegativeInfinity";
            return single.ToString("R", CultureInfo.InvariantCulture) + "f";
        }
    }
}
