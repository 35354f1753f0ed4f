using System.Collections.Generic;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Syntax;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// Gives generated values readable names that never collide with the user's: a name is derived from the value's
    /// definition where a short one reads well (<c>oneMinusBeta1</c>, <c>sumOfSquaresP</c>), and numbered otherwise;
    /// clashes get a suffix. Deterministic: the same declaration always gets the same names.
    /// </summary>
    internal sealed class Namer
    {
        private readonly HashSet<string> taken;
        private int scalars;
        private int conditions;
        private int sums;
        private int matrices;

        public Namer(IEnumerable<string> reserved) => taken = new HashSet<string>(reserved);

        /// <summary>Claims <paramref name="preferred"/>, or the first of <c>preferred2</c>, <c>preferred3</c>… that is free.</summary>
        public string Claim(string preferred)
        {
            string name = preferred;
            for (int i = 2; !taken.Add(name); i++) name = preferred + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return name;
        }

        /// <summary>A name for a value computed once: a hoisted value or a reduction's result.</summary>
        public string For(Expr definition, IrType type)
        {
            if (definition is MatrixExpr matrix) return Claim(MatrixName(matrix));
            string? derived = Derive(definition);
            if (derived is null || derived.Length > 28)
                derived = definition is Call call && Operators.Get(call.Operator).IsReduction ? "reduction" + ++sums
                    : type.IsBoolean ? "condition" + ++conditions
                    : "scalar" + ++scalars;
            return Claim(derived);
        }

        private static string? Derive(Expr expr) => expr switch
        {
            Literal { Value: 0 } => "zero",
            Literal { Value: 1 } => "one",
            Literal { Value: 2 } => "two",
            Literal { Value: 0.5 } => "half",
            Literal { Value: -1 } => "minusOne",
            Variable { Role: VariableRole.Hyper } variable => variable.Name,
            Variable variable => variable.Name + "F",
            Convert convert => Derive(convert.Operand),
            Unary { Op: UnaryOp.Negate } negate => Term(negate.Operand) is { } term ? "minus" + DslNames.PascalCase(term) : null,
            // Not an int comparison is the opposite comparison: !(Rank(p) > 1) is rankAtMost1.
            Unary { Op: UnaryOp.Not, Operand: Binary { Left.Type.Scalar: Scalar.Int, Right.Type.Scalar: Scalar.Int } comparison } when Opposite(comparison.Op) is { } opposite =>
                Derive(comparison with { Op = opposite }),
            Unary { Op: UnaryOp.Not } not => Word(not.Operand) is { } word ? "not" + DslNames.PascalCase(word) : null,
            Binary { Op: BinaryOp.Subtract, Left: Literal { Value: 1 } } oneMinus =>
                Term(oneMinus.Right) is { } term ? "oneMinus" + DslNames.PascalCase(term) : null,
            Binary { Op: BinaryOp.Equal, Left: Variable { Role: VariableRole.Step }, Right: Literal { Value: 1 } } => "firstStep",
            Binary { Op: BinaryOp.NotEqual, Right: Literal { Value: 0 } } nonZero =>
                Word(nonZero.Left) is { } word ? word + "IsNonZero" : null,
            Call { Operator: "Sum" or "RowSum" or "ColumnSum" or "GroupSum", Arguments.Count: 1 } square
                when square.Arguments[0] is Binary { Op: BinaryOp.Multiply, Left: Variable left, Right: Variable right } && left.Name == right.Name =>
                Prefix(square.Operator) + "OfSquares" + DslNames.PascalCase(left.Name),
            Call { Operator: "Sum" or "RowSum" or "ColumnSum" or "MaxAbs" or "RowMaxAbs" or "ColumnMaxAbs" or "GroupSum" or "GroupMaxAbs" } reduction when Term(reduction.Arguments[0]) is { } term =>
                Prefix(reduction.Operator) + "Of" + DslNames.PascalCase(term),
            Call { Operator: "GroupSum" or "GroupMaxAbs" } reduction when reduction.Arguments[0] is Call { Arguments.Count: 1 } inner && inner.Arguments[0] is Variable variable =>
                Prefix(reduction.Operator) + "Of" + inner.Operator + DslNames.PascalCase(variable.Name),
            // Every per-element value has the parameter's shape: Columns(square) is the columns of p, not of a square.
            Call { Operator: "Rows" } => "rowCount",
            Call { Operator: "Columns" } => "columnCount",
            Call { Operator: "HasValue" } test when Word(test.Arguments[0]) is { } optional => "has" + DslNames.PascalCase(optional),
            Call { Arguments.Count: 1 } call when Word(call.Arguments[0]) is { } argument =>
                call.Operator.ToLowerInvariant() + DslNames.PascalCase(argument),
            Binary { Right: Literal { Value: var bound } } comparison when Word(comparison.Left) is { } word && Comparison(comparison.Op) is { } relation
                && bound == System.Math.Floor(bound) && System.Math.Abs(bound) < 1000 =>
                word + relation + (bound < 0 ? "Minus" : "") + System.Math.Abs(bound).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Binary { Left: Variable { Role: VariableRole.Hyper } hyper, Right: EnumValue value } comparison when Comparison(comparison.Op) is { } relation =>
                hyper.Name + relation + value.Member,
            Binary { Op: BinaryOp.Multiply } product => Term(product),
            Binary { Op: BinaryOp.And } both when Derive(both.Left) is { } left && Derive(both.Right) is { } right => left + "And" + DslNames.PascalCase(right),
            _ => null,
        };

        /// <summary>
        /// A matrix by what it holds: <c>directionMatrix</c> for an element expression a phase stores,
        /// <c>orthogonalizedDirection</c>, <c>projectedElement</c> for the elements of a local read by the loops.
        /// </summary>
        private string MatrixName(MatrixExpr matrix) => matrix switch
        {
            AsMatrix { Element: var element } when Term(element) is { } term => term + "Matrix",
            MatrixVariable variable => variable.Name + "Element",
            MatrixCall { Operator: "Orthogonalize", Matrices: var arguments } when MatrixTerm(arguments[0]) is { } term => "orthogonalized" + DslNames.PascalCase(term),
            MatrixCall { Operator: "Transpose", Matrices: var arguments } when MatrixTerm(arguments[0]) is { } term => term + "Transposed",
            MatrixCall call => char.ToLowerInvariant(call.Operator[0]) + call.Operator.Substring(1),
            MatrixProduct => "product",
            _ => "matrix" + ++matrices,
        };

        private static string? MatrixTerm(MatrixExpr matrix) => matrix switch
        {
            AsMatrix { Element: var element } => Term(element),
            MatrixVariable variable => variable.Name,
            _ => null,
        };

        /// <summary>A reduction's name as the start of a local's: <c>rowSum</c>, <c>maxAbs</c>.</summary>
        private static string Prefix(string reduction) => char.ToLowerInvariant(reduction[0]) + reduction.Substring(1);

        /// <summary>A variable's name (a per-row or per-column state's new values by the state's), or a product of variables spelled out: <c>lambdTimesEta</c>.</summary>
        private static string? Term(Expr expr) => expr switch
        {
            Variable variable => variable.Name,
            Scheduling.NewState state => state.Name,
            Binary { Op: BinaryOp.Multiply } product when Term(product.Left) is { } left && Term(product.Right) is { } right =>
                left + "Times" + DslNames.PascalCase(right),
            _ => null,
        };

        private static string? Comparison(BinaryOp op) => op switch
        {
            BinaryOp.Greater => "Above",
            BinaryOp.GreaterOrEqual => "AtLeast",
            BinaryOp.Less => "Below",
            BinaryOp.LessOrEqual => "AtMost",
            BinaryOp.Equal => "Is",
            BinaryOp.NotEqual => "IsNot",
            _ => null,
        };

        private static BinaryOp? Opposite(BinaryOp op) => op switch
        {
            BinaryOp.Greater => BinaryOp.LessOrEqual,
            BinaryOp.GreaterOrEqual => BinaryOp.Less,
            BinaryOp.Less => BinaryOp.GreaterOrEqual,
            BinaryOp.LessOrEqual => BinaryOp.Greater,
            BinaryOp.Equal => BinaryOp.NotEqual,
            BinaryOp.NotEqual => BinaryOp.Equal,
            _ => null,
        };

        /// <summary>A variable's name, or a shape query of the parameter by its own name: <c>rank</c>, <c>rows</c>.</summary>
        private static string? Word(Expr expr) => expr switch
        {
            Variable variable => variable.Name,
            Call { Operator: "Rank" or "Count" or "Rows" or "Columns" } shape => shape.Operator.ToLowerInvariant(),
            _ => null,
        };
    }
}
