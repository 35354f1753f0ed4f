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
        private const string MathF = "global::System.MathF";
        private const string Vector = "global::System.Numerics.Vector";
        private const string VectorFloat = "global::System.Numerics.Vector<float>";
        private const string VectorInt = "global::System.Numerics.Vector<int>";
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
            Call call => ScalarCall(call),
            _ => throw new System.InvalidOperationException("Not a per-element expression: " + expr),
        };

        /// <summary>A per-element expression of the vector loop: <c>Vector&lt;float&gt;</c> values, <c>Vector&lt;int&gt;</c> masks.</summary>
        public string Vectorized(Expr expr)
        {
            switch (expr)
            {
                case Literal { Kind: ValueKind.Bool } literal:
                    return literal.Value != 0 ? "true" : "false";
                case Literal { Value: 0 }:
                    return VectorFloat + ".Zero";
                case Literal { Value: 1 }:
                    return VectorFloat + ".One";
                case Literal literal:
                    return "new " + VectorFloat + "(" + FloatLiteral(literal.Value) + ")";
                case Variable variable:
                    return variable.Name;
                case Hoisted hoisted:
                    return hoisted.Kind == ValueKind.Bool ? hoisted.Name : vectorNames[hoisted.Name];
                case Convert convert:
                    return Vectorized(convert.Operand);
                case Unary { Kind: ValueKind.ElementBool } not:
                    return "~" + Mask(not.Operand);
                case Unary unary:
                    return (unary.Op == UnaryOp.Negate ? "-" : "!") + Wrap(unary.Operand, Vectorized(unary.Operand), 7);
                case Binary { Kind: ValueKind.ElementBool } mask:
                    return VectorMask(mask);
                case Binary binary:
                    return Infix(binary, Vectorized);
                case Conditional { Condition.Kind: ValueKind.ElementBool } select:
                    return Vector + ".ConditionalSelect(" + Mask(select.Condition) + ", " + Vectorized(select.WhenTrue) + ", " + Vectorized(select.WhenFalse) + ")";
                case Conditional conditional:
                    return Wrap(conditional.Condition, Vectorized(conditional.Condition), 1) + " ? "
                        + Wrap(conditional.WhenTrue, Vectorized(conditional.WhenTrue), 1) + " : " + Vectorized(conditional.WhenFalse);
                case Call call:
                    return VectorCall(call);
                default:
                    throw new System.InvalidOperationException("Not a per-element expression: " + expr);
            }
        }

        private string VectorMask(Binary mask)
        {
            switch (mask.Op)
            {
                case BinaryOp.And:
                    return "(" + Mask(mask.Left) + " & " + Mask(mask.Right) + ")";
                case BinaryOp.Or:
                    return "(" + Mask(mask.Left) + " | " + Mask(mask.Right) + ")";
                case BinaryOp.NotEqual:
                    return "~" + Vector + ".Equals(" + Vectorized(mask.Left) + ", " + Vectorized(mask.Right) + ")";
                default:
                    string function = mask.Op switch
                    {
                        BinaryOp.Less => "LessThan",
                        BinaryOp.LessOrEqual => "LessThanOrEqual",
                        BinaryOp.Greater => "GreaterThan",
                        BinaryOp.GreaterOrEqual => "GreaterThanOrEqual",
                        _ => "Equals",
                    };
                    return Vector + "." + function + "(" + Vectorized(mask.Left) + ", " + Vectorized(mask.Right) + ")";
            }
        }

        /// <summary>A condition as a lane mask; a step-uniform condition selects all lanes or none.</summary>
        private string Mask(Expr condition) =>
            condition.Kind == ValueKind.ElementBool
                ? Vectorized(condition)
                : "(" + Vectorized(condition) + " ? " + VectorInt + ".AllBitsSet : " + VectorInt + ".Zero)";

        private string ScalarCall(Call call)
        {
            var args = call.Arguments.Select(Scalar).ToList();
            return call.Function switch
            {
                Intrinsic.Sqrt => MathF + ".Sqrt(" + args[0] + ")",
                Intrinsic.Abs => MathF + ".Abs(" + args[0] + ")",
                Intrinsic.Min => MathF + ".Min(" + args[0] + ", " + args[1] + ")",
                Intrinsic.Max => MathF + ".Max(" + args[0] + ", " + args[1] + ")",
                Intrinsic.Clamp => MathF + ".Min(" + MathF + ".Max(" + args[0] + ", " + args[1] + "), " + args[2] + ")",
                Intrinsic.Fma => MathF + ".FusedMultiplyAdd(" + string.Join(", ", args) + ")",
                Intrinsic.Reciprocal => "1f / " + Wrap(call.Arguments[0], args[0], 7),
                _ => ElementMath + "." + call.Function + "(" + string.Join(", ", args) + ")",
            };
        }

        private string VectorCall(Call call)
        {
            var args = call.Arguments.Select(Vectorized).ToList();
            return call.Function switch
            {
                Intrinsic.Sqrt => Vector + ".SquareRoot(" + args[0] + ")",
                Intrinsic.Abs => Vector + ".Abs(" + args[0] + ")",
                Intrinsic.Min => Vector + ".Min(" + args[0] + ", " + args[1] + ")",
                Intrinsic.Max => Vector + ".Max(" + args[0] + ", " + args[1] + ")",
                Intrinsic.Clamp => Vector + ".Min(" + Vector + ".Max(" + args[0] + ", " + args[1] + "), " + args[2] + ")",
                Intrinsic.Fma => Vector + ".FusedMultiplyAdd(" + string.Join(", ", args) + ")",
                Intrinsic.Reciprocal => VectorFloat + ".One / " + Wrap(call.Arguments[0], args[0], 7),
                _ => ElementMath + "." + call.Function + "(" + string.Join(", ", args) + ")",
            };
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
