using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;
using ScratchOptim.Generator.Syntax;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>The loops' names derived from the plan's, each claimed by the kernel's <see cref="Namer"/> so that none is a user's name.</summary>
    /// <param name="Vectors">Each step-uniform temp's broadcast in the vector loop, by temp.</param>
    /// <param name="Prepared">What an operator prepares of a step-uniform temp before the vector loop, by temp and operator.</param>
    /// <param name="Lanes">Each reduction's lane-wise accumulator, by temp.</param>
    /// <param name="NewStates">Each per-row or per-column state's new values, before they replace it, by state.</param>
    internal sealed record LoopNames(
        IReadOnlyDictionary<int, string> Vectors,
        IReadOnlyDictionary<(int, string), string> Prepared,
        IReadOnlyDictionary<int, string> Lanes,
        IReadOnlyDictionary<string, string> NewStates)
    {
        public static LoopNames None { get; } = new LoopNames(
            new Dictionary<int, string>(), new Dictionary<(int, string), string>(), new Dictionary<int, string>(), new Dictionary<string, string>());
    }

    /// <summary>
    /// Writes scheduled IR as C# in the three forms of the CPU target, which round alike: host code (step-uniform and
    /// per-tensor values in double, or in the declared type), the scalar loop (elements of type <c>T</c>) and the vector
    /// loop (<c>TVector</c>, 64 bytes of elements). Both loops call the runtime's <c>ElementMath</c> and <c>VectorMath</c>
    /// by the DSL's own names, so they read like the declaration.
    /// </summary>
    internal sealed class CpuExpressions
    {
        private readonly IReadOnlyList<string> tempNames;
        private readonly LoopNames loopNames;
        private readonly HashSet<string> optionalHypers;

        /// <param name="tempNames">The name of each temp of the plan, by id.</param>
        /// <param name="model">The declaration: which hyperparameters are optional (<c>double?</c>).</param>
        /// <param name="loopNames">The loops' names derived from the plan's (none for host code alone).</param>
        public CpuExpressions(IReadOnlyList<string> tempNames, OptimizerModel model, LoopNames? loopNames = null)
        {
            this.tempNames = tempNames;
            this.loopNames = loopNames ?? LoopNames.None;
            optionalHypers = new HashSet<string>(model.Hypers.Where(h => h.Optional).Select(h => h.Name));
        }

        public string TempName(int id) => tempNames[id];

        /// <summary>The name of a temp's broadcast in the vector loop.</summary>
        public string VectorName(int id) => loopNames.Vectors[id];

        /// <summary>The name of a step-uniform temp prepared, before the vector loop, as the argument of <paramref name="op"/> it is.</summary>
        public string PreparedName(int id, Operator op) => loopNames.Prepared[(id, op.Name)];

        /// <summary>
        /// Whether <paramref name="call"/> has an argument the vector loop prepares before it starts: a step-uniform temp
        /// (<paramref name="tempId"/>) as the argument its operator (<paramref name="op"/>) prepares. Both outputs are
        /// meaningful only when it returns true.
        /// </summary>
        public static bool HasPreparedArgument(Call call, out int tempId, out Operator op)
        {
            op = Operators.Find(call.Operator)!;
            tempId = op is { PreparedArgument: >= 0 } && call.Arguments[op.PreparedArgument] is Temp { Type.IsUniform: true, Type.IsBoolean: false } temp ? temp.Id : -1;
            return tempId >= 0;
        }

        /// <summary>The name a loop gives the new values of a per-row or per-column state.</summary>
        public string NewStateName(string state) => loopNames.NewStates[state];

        /// <summary>Host code: hyperparameters from <c>hyper</c>, doubles as PyTorch's Python floats, element-typed values as <c>T</c>.</summary>
        public string Uniform(Expr expr) => expr switch
        {
            Literal literal => UniformLiteral(literal),
            Variable { Role: VariableRole.Hyper } hyper => "hyper." + DslNames.PascalCase(hyper.Name) + (optionalHypers.Contains(hyper.Name) ? ".GetValueOrDefault()" : ""),
            Variable variable => Id(variable.Name),
            EnumValue value => value.EnumType + "." + Id(value.Member),
            Temp temp => tempNames[temp.Id],
            Convert convert => UniformConvert(convert),
            Unary unary => Prefix(unary.Op == UnaryOp.Negate ? "-" : "!", unary.Operand, Uniform(unary.Operand)),
            Binary binary when binary.Type.Scalar == Ir.Scalar.Element && binary.Type.IsUniform => Infix(binary, RoundedToElement),
            Binary binary when binary.Type.Scalar == Ir.Scalar.Double => Infix(binary, DoubleOperand),
            Binary binary => Infix(binary, Uniform),
            Conditional conditional => Wrap(conditional.Condition, Uniform(conditional.Condition), 1) + " ? "
                + Wrap(conditional.WhenTrue, Uniform(conditional.WhenTrue), 1) + " : " + Uniform(conditional.WhenFalse),
            Call call => UniformCall(call),
            _ => throw new System.InvalidOperationException("Not a step-uniform expression: " + expr),
        };

        /// <summary>A per-element expression of the scalar loop, in <c>T</c>.</summary>
        public string Scalar(Expr expr) => expr switch
        {
            Literal { Type.IsBoolean: true } literal => literal.Value != 0 ? "true" : "false",
            Variable variable => Id(variable.Name),
            NewState state => NewStateName(state.Name),
            Temp temp => tempNames[temp.Id],
            Convert convert => Scalar(convert.Operand),
            Unary unary => Prefix(unary.Op == UnaryOp.Negate ? "-" : "!", unary.Operand, Scalar(unary.Operand)),
            Binary binary => Infix(binary, Scalar),
            Conditional conditional => Wrap(conditional.Condition, Scalar(conditional.Condition), 1) + " ? "
                + Wrap(conditional.WhenTrue, Scalar(conditional.WhenTrue), 1) + " : " + Scalar(conditional.WhenFalse),
            Call call => Function(call, Scalar),
            _ => throw new System.InvalidOperationException("Not a per-element expression: " + expr),
        };

        /// <summary>A per-element expression of the vector loop: <c>TVector</c> values; masks are <c>TVector</c>s too.</summary>
        public string Vector(Expr expr) => expr switch
        {
            Literal { Type.IsBoolean: true } literal => literal.Value != 0 ? "true" : "false",
            Variable variable => Id(variable.Name),
            NewState state => NewStateName(state.Name),
            Temp { Type.IsBoolean: true } condition => tempNames[condition.Id],
            Temp { Type.IsUniform: true } temp => VectorName(temp.Id),
            Temp temp => tempNames[temp.Id],
            Convert convert => Vector(convert.Operand),
            Unary { Op: UnaryOp.Not } not when !not.Type.IsUniform => "~" + Mask(not.Operand),
            Unary unary => Prefix(unary.Op == UnaryOp.Negate ? "-" : "!", unary.Operand, Vector(unary.Operand)),
            Binary { Op: BinaryOp.And } both when !both.Type.IsUniform => "(" + Mask(both.Left) + " & " + Mask(both.Right) + ")",
            Binary { Op: BinaryOp.Or } either when !either.Type.IsUniform => "(" + Mask(either.Left) + " | " + Mask(either.Right) + ")",
            Binary comparison when comparison.Type.IsBoolean && !comparison.Type.IsUniform =>
                comparison.Op + "(" + Vector(comparison.Left) + ", " + Vector(comparison.Right) + ")",
            Binary binary => Infix(binary, Vector),
            Conditional select when !select.Condition.Type.IsUniform =>
                "Select(" + Mask(select.Condition) + ", " + Vector(select.WhenTrue) + ", " + Vector(select.WhenFalse) + ")",
            Conditional conditional => Wrap(conditional.Condition, Vector(conditional.Condition), 1) + " ? "
                + Wrap(conditional.WhenTrue, Vector(conditional.WhenTrue), 1) + " : " + Vector(conditional.WhenFalse),
            Call call => Function(call, Vector, PreparedArgument),
            _ => throw new System.InvalidOperationException("Not a per-element expression: " + expr),
        };

        /// <summary>A vector call's argument as prepared before the loop, or null when it is not one.</summary>
        private string? PreparedArgument(Call call, int index) =>
            HasPreparedArgument(call, out int id, out var op) && op.PreparedArgument == index ? PreparedName(id, op) : null;

        /// <summary>A condition as a lane mask; a step-uniform condition selects all lanes or none.</summary>
        private string Mask(Expr condition) =>
            condition.Type.IsUniform ? "Mask<TVector>(" + Vector(condition) + ")" : Vector(condition);

        /// <summary>An operator in a loop: ElementMath and VectorMath have each under the DSL's own name.</summary>
        private static string Function(Call call, System.Func<Expr, string> emit, System.Func<Call, int, string?>? prepared = null)
        {
            var args = call.Arguments.Select((argument, index) => prepared?.Invoke(call, index) ?? emit(argument)).ToList();
            return call.Operator == "Clamp"
                ? "Min(Max(" + args[0] + ", " + args[1] + "), " + args[2] + ")"
                : call.Operator + "(" + string.Join(", ", args) + ")";
        }

        /// <summary>The local a shape query reads: <c>rows</c>, <c>columns</c> or <c>length</c>; null for another call.</summary>
        private static string? ShapeLocal(Call call) => call.Operator switch
        {
            "Count" => call.Arguments[0].Type.Space switch { Space.Row => "rows", Space.Column => "columns", _ => "length" },
            "Rows" => "rows",
            "Columns" => "columns",
            _ => null,
        };

        /// <summary>Whether the code of a step-uniform expression reads the tensor's <c>rows</c> or <c>columns</c>.</summary>
        public static bool ReadsRowsOrColumns(Expr expr)
        {
            bool reads = false;
            IrWalker.Visit(expr, e => reads |= e is Call call && ShapeLocal(call) is "rows" or "columns");
            return reads;
        }

        private string UniformCall(Call call)
        {
            // Shape queries read the tensor's shape, not their argument's values.
            switch (call.Operator)
            {
                case "HasValue": return "hyper." + DslNames.PascalCase(((Variable)call.Arguments[0]).Name) + ".HasValue";
                case "Rank": return "shape.Length";
                case "Epsilon": return "global::ScratchOptim.ElementMath.MachineEpsilon<T>()";
            }
            if (ShapeLocal(call) is { } local) return local;
            // An element-typed host value (an Element local set from step-uniform values) rounds in T, as in the loops.
            if (call.Type.Scalar == Ir.Scalar.Element)
            {
                return Function(call, RoundedToElement);
            }
            var args = call.Arguments.Select(call.Type.Scalar == Ir.Scalar.Double ? (System.Func<Expr, string>)DoubleOperand : Uniform).ToArray<object>();
            if (call.SystemMath) return "global::System.Math." + call.Operator + "(" + string.Join(", ", args) + ")";
            string template = Operators.Get(call.Operator).Uniform
                ?? throw new System.InvalidOperationException(call.Operator + " has no step-uniform form");
            return string.Format(CultureInfo.InvariantCulture, template, args);
        }

        /// <summary>
        /// An operand of double arithmetic (or of a function of doubles): an int sum, difference or product in it is
        /// computed in double, as PyTorch's Python ints, which do not overflow (<c>(t + 1) * momentumDecay</c> at
        /// t = int.MaxValue). Every int below 2^53 is exact in double, so wherever the int arithmetic did not overflow
        /// the value is the same.
        /// </summary>
        private string DoubleOperand(Expr operand) =>
            operand is Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply, Type: { Scalar: Ir.Scalar.Int, IsUniform: true } } integer
                ? Infix(integer, IntAsDouble)
                : Uniform(operand);

        /// <summary>An int operand of an int sum or product that is computed in double (<see cref="DoubleOperand"/>): a literal stays as it is.</summary>
        private string IntAsDouble(Expr operand) => operand switch
        {
            Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply, Type: { Scalar: Ir.Scalar.Int, IsUniform: true } } => DoubleOperand(operand),
            Literal => Uniform(operand),
            _ when operand.Type.Scalar == Ir.Scalar.Int => "(double)" + Wrap(operand, Uniform(operand), 7),
            _ => Uniform(operand),
        };

        private string UniformConvert(Convert convert) => convert.Type.Scalar switch
        {
            Ir.Scalar.Element => "Round<T>(" + Uniform(convert.Operand) + ")",
            Ir.Scalar.Float => "(float)" + Wrap(convert.Operand, Uniform(convert.Operand), 7),
            _ => convert.Operand.Type.Scalar == Ir.Scalar.Element
                ? "double.CreateTruncating(" + Uniform(convert.Operand) + ")"
                : "(double)" + Wrap(convert.Operand, Uniform(convert.Operand), 7),
        };

        /// <summary>An operand of element-typed host arithmetic: a double, float or int is rounded to <c>T</c> where it meets one.</summary>
        private string RoundedToElement(Expr operand) =>
            operand.Type.Scalar == Ir.Scalar.Element ? Uniform(operand) : "Round<T>(" + Uniform(operand) + ")";

        private static string Infix(Binary binary, System.Func<Expr, string> emit)
        {
            int precedence = binary.Precedence();
            string left = Wrap(binary.Left, emit(binary.Left), precedence);
            string right = Wrap(binary.Right, emit(binary.Right), precedence + 1);
            return left + " " + BinaryOperators.CSharp(binary.Op) + " " + right;
        }

        /// <summary>A prefix operator; a second minus gets parentheses, so <c>-(-x)</c> never becomes the decrement <c>--x</c>.</summary>
        private static string Prefix(string op, Expr operand, string text)
        {
            string wrapped = Wrap(operand, text, 7);
            return op == "-" && wrapped.StartsWith("-", System.StringComparison.Ordinal) ? "-(" + wrapped + ")" : op + wrapped;
        }

        /// <summary>Parenthesizes <paramref name="text"/> when its operator binds looser than <paramref name="minimum"/>.</summary>
        private static string Wrap(Expr expr, string text, int minimum) => expr.Precedence() < minimum ? "(" + text + ")" : text;

        private static string UniformLiteral(Literal literal) => literal.Type.Scalar switch
        {
            Ir.Scalar.Bool => literal.Value != 0 ? "true" : "false",
            Ir.Scalar.Int => ((int)literal.Value).ToString(CultureInfo.InvariantCulture),
            Ir.Scalar.Float => CSharp.FloatLiteral(literal.Value),
            Ir.Scalar.Element => "Round<T>(" + CSharp.DoubleLiteral(literal.Value) + ")",
            _ => CSharp.DoubleLiteral(literal.Value),
        };

        /// <summary>An identifier as C# source, escaped when it is a keyword.</summary>
        public static string Id(string name) => CSharp.Id(name);
    }
}
