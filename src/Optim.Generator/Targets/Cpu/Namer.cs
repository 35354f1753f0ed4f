using System.Collections.Generic;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Syntax;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// Gives generated values readable names that never collide with the user's: a name is derived from the value's
    /// definition where a short one reads well (<c>oneMinusBeta1</c>, <c>sumOfSquaresP</c>, <c>meanOfRowVar</c>), else
    /// taken from its use where the caller knows one (<c>gFactor</c>), and numbered otherwise; clashes get a suffix.
    /// Deterministic: the same declaration always gets the same names.
    /// </summary>
    internal sealed class Namer
    {
        /// <summary>The longest name derived from a definition: a longer one is harder to read than the definition itself.</summary>
        private const int MaxLength = 32;

        private readonly HashSet<string> taken;

        /// <summary>The temps named so far, which later definitions read: by id, each name and definition.</summary>
        private readonly Dictionary<int, (string Name, Expr Definition)> temps = new Dictionary<int, (string Name, Expr Definition)>();
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

        /// <summary>
        /// A name for a value computed once: a hoisted value, a reduction's result, a guard. <paramref name="use"/> names it
        /// by what it is for when its definition gives no short name.
        /// </summary>
        public string For(Expr definition, IrType type, string? use = null)
        {
            if (definition is MatrixExpr matrix) return Claim(MatrixName(matrix));
            return Claim(Short(Derive(definition)) ?? use
                ?? (definition is Call call && Operators.Get(call.Operator).IsReduction ? "reduction" + ++sums
                : type.IsBoolean ? "condition" + ++conditions
                : "scalar" + ++scalars));
        }

        /// <summary>Names temp <paramref name="id"/> for the definitions that read it: <c>d * eps</c> is <c>dTimesEps</c>.</summary>
        public void Remember(int id, string name, Expr definition) => temps[id] = (name, definition);

        /// <summary>A value computed once, by its definition.</summary>
        private string? Derive(Expr expr) => expr switch
        {
            Variable { Role: VariableRole.Hyper } variable => variable.Name,
            // A local's or a computed value's copy rounded to the element type.
            Variable or Temp => Suffixed(Term(expr), "F"),
            Convert convert => Derive(convert.Operand),
            // Every per-element value has the parameter's shape: Columns(square) is the columns of p, not of a square.
            Call { Operator: "Rows" } => "rowCount",
            Call { Operator: "Columns" } => "columnCount",
            // Not an int comparison is the opposite comparison: !(Rank(p) > 1) is rankAtMost1.
            Unary { Op: UnaryOp.Not, Operand: Binary { Left.Type.Scalar: Scalar.Int, Right.Type.Scalar: Scalar.Int } comparison } when Opposite(comparison.Op) is { } opposite =>
                Derive(comparison with { Op = opposite }),
            Unary { Op: UnaryOp.Not } not => Phrase("not", Word(not.Operand)),
            Binary { Op: BinaryOp.Equal, Left: Variable { Role: VariableRole.Step }, Right: Literal { Value: 1 } } => "firstStep",
            Binary { Op: BinaryOp.NotEqual, Right: Literal { Value: 0 } } nonZero => Suffixed(Term(nonZero.Left), "IsNonZero"),
            Binary { Left: Variable { Role: VariableRole.Hyper } hyper, Right: EnumValue value } comparison when Comparison(comparison.Op) is { } relation =>
                hyper.Name + relation + value.Member,
            Binary comparison when Comparison(comparison.Op) is { } relation && Term(comparison.Left) is { } left && Bound(comparison.Right) is { } bound =>
                left + relation + bound,
            Binary { Op: BinaryOp.And or BinaryOp.Or } both =>
                Join(Condition(both.Left), both.Op == BinaryOp.And ? "And" : "Or", Condition(both.Right)),
            Call { Operator: "HasValue" } test => Phrase("has", Word(test.Arguments[0])),
            _ => Term(expr),
        };

        /// <summary>
        /// A condition joined to another by <c>&amp;&amp;</c> or <c>||</c>: a nonzero test is its variable, as in
        /// <c>weightDecayAndDecouple</c>, and a bool its name.
        /// </summary>
        private string? Condition(Expr expr) => expr switch
        {
            Variable variable => variable.Name,
            Binary { Op: BinaryOp.NotEqual, Right: Literal { Value: 0 } } nonZero => Term(nonZero.Left),
            _ => Derive(expr),
        };

        /// <summary>
        /// A matrix by what it holds: <c>directionMatrix</c> for an element expression a phase stores,
        /// <c>orthogonalizedDirection</c>, <c>projectedElement</c> for the elements of a local read by the loops.
        /// </summary>
        private string MatrixName(MatrixExpr matrix) => Short(matrix switch
        {
            // An element value times a step-uniform factor: the value, scaled (the comment on the phase's store says by what).
            AsMatrix { Element: Binary { Op: BinaryOp.Multiply } product } when product.Left.Type.IsUniform != product.Right.Type.IsUniform =>
                Suffixed(Phrase("scaled", Term(product.Left.Type.IsUniform ? product.Right : product.Left)), "Matrix"),
            AsMatrix { Element: var element } => Suffixed(Term(element), "Matrix"),
            MatrixCall { Operator: "Orthogonalize", Matrices: var arguments } => Phrase("orthogonalized", MatrixTerm(arguments[0])),
            MatrixCall { Operator: "Transpose", Matrices: var arguments } => Suffixed(MatrixTerm(arguments[0]), "Transposed"),
            _ => null,
        }) ?? matrix switch
        {
            MatrixVariable variable => variable.Name + "Element",
            MatrixCall call => char.ToLowerInvariant(call.Operator[0]) + call.Operator.Substring(1),
            MatrixProduct => "product",
            _ => "matrix" + ++matrices,
        };

        /// <summary>A name derived from a definition, if it is short enough to read.</summary>
        private static string? Short(string? name) => name is not null && name.Length <= MaxLength ? name : null;

        private string? MatrixTerm(MatrixExpr matrix) => matrix switch
        {
            AsMatrix { Element: var element } => Term(element),
            MatrixVariable variable => variable.Name,
            _ => null,
        };

        /// <summary>A reduction's name as the start of a local's: <c>rowSum</c>, <c>maxAbs</c>.</summary>
        private static string Prefix(string reduction) => char.ToLowerInvariant(reduction[0]) + reduction.Substring(1);

        /// <summary>
        /// A number as a noun: a variable's or a named temp's name, or its definition spelled out in words, left to right
        /// (<c>oneOverSqrtOneMinusBeta2PowT</c>, <c>lambdTimesEta</c>, <c>maxOfMeanOfRowVarAndFloor</c>).
        /// </summary>
        private string? Term(Expr expr) => expr switch
        {
            _ when Word(expr) is { } word => word,
            Scheduling.NewState state => state.Name,
            Temp temp => temps.TryGetValue(temp.Id, out var named) ? named.Name : null,
            Literal literal => Number(literal.Value),
            Convert convert => Term(convert.Operand),
            Unary { Op: UnaryOp.Negate } negate => Phrase("minus", Term(negate.Operand)),
            // Mean(x), as the update wrote it before its definition replaced it (Sum(x) / Count(x)).
            Binary { Op: BinaryOp.Divide, Right: Convert { Operand: Call { Operator: "Count" } count } } mean
                when Summed(mean.Left) is { } summed && Term(summed) is { } term && term == Term(count.Arguments[0]) =>
                "meanOf" + DslNames.PascalCase(term),
            Call { Operator: "Sum" or "RowSum" or "ColumnSum" or "GroupSum", Arguments.Count: 1 } square
                when square.Arguments[0] is Binary { Op: BinaryOp.Multiply } product && Term(product.Left) is { } factor && factor == Term(product.Right) =>
                Prefix(square.Operator) + "OfSquares" + DslNames.PascalCase(factor),
            Call { Operator: "Sum" or "RowSum" or "ColumnSum" or "MaxAbs" or "RowMaxAbs" or "ColumnMaxAbs" or "GroupSum" or "GroupMaxAbs" } reduction =>
                Phrase(Prefix(reduction.Operator) + "Of", Term(reduction.Arguments[0])),
            Call { Operator: "Pow", Arguments: var power } when power[1] is Literal { Value: 0.5 } => Phrase("sqrt", Term(power[0])),
            Call { Operator: "Pow", Arguments: var power } => Join(Term(power[0]), "Pow", Term(power[1])),
            Call { Operator: "Min" or "Max", Arguments: var pair } extreme =>
                Join(Phrase(extreme.Operator.ToLowerInvariant() + "Of", Term(pair[0])), "And", Term(pair[1])),
            Call { Arguments.Count: 1 } call => Phrase(call.Operator.ToLowerInvariant(), Term(call.Arguments[0])),
            Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Remainder } arithmetic =>
                Join(Term(arithmetic.Left), Arithmetic(arithmetic.Op), Term(arithmetic.Right)),
            // A choice between two numbers: either.
            Conditional choice => Join(Term(choice.WhenTrue), "Or", Term(choice.WhenFalse)),
            _ => null,
        };

        /// <summary>What a reduction's result sums: <c>x</c> for <c>Sum(x)</c>, whether as the call or as the temp that holds it.</summary>
        private Expr? Summed(Expr expr) => (expr is Temp temp && temps.TryGetValue(temp.Id, out var named) ? named.Definition : expr) switch
        {
            Call { Operator: "Sum", Arguments.Count: 1 } sum => sum.Arguments[0],
            _ => null,
        };

        private static string Arithmetic(BinaryOp op) => op switch
        {
            BinaryOp.Add => "Plus",
            BinaryOp.Subtract => "Minus",
            BinaryOp.Multiply => "Times",
            BinaryOp.Divide => "Over",
            _ => "Mod",
        };

        /// <summary>A constant in words: <c>one</c>, <c>half</c>, <c>minusOne</c>, <c>tenToMinus15</c> (1e-15); null for another.</summary>
        private static string? Number(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) return null;
            switch (value)
            {
                case 0: return "zero";
                case 1: return "one";
                case 2: return "two";
                case 0.5: return "half";
                case 10: return "ten";
                case < 0: return Phrase("minus", Number(-value));
            }
            int exponent = (int)System.Math.Round(System.Math.Log10(value));
            bool powerOfTen = exponent != 0 && value == double.Parse("1E" + exponent.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
            return powerOfTen ? "tenTo" + (exponent < 0 ? "Minus" : "") + System.Math.Abs(exponent).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }

        /// <summary>The other side of a comparison: a whole number in digits (<c>rankAbove1</c>), or a noun (<c>dIsD0</c>).</summary>
        private string? Bound(Expr expr) => expr switch
        {
            Literal { Value: var bound } when bound == System.Math.Floor(bound) && System.Math.Abs(bound) < 1000 =>
                (bound < 0 ? "Minus" : "") + System.Math.Abs(bound).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Term(expr) is { } term ? DslNames.PascalCase(term) : null,
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

        /// <summary><paramref name="head"/> followed by <paramref name="term"/>: <c>minusLr</c>; null without a term.</summary>
        private static string? Phrase(string head, string? term) => term is null ? null : head + DslNames.PascalCase(term);

        /// <summary><paramref name="term"/> followed by <paramref name="suffix"/>: <c>directionMatrix</c>; null without a term.</summary>
        private static string? Suffixed(string? term, string suffix) => term is null ? null : term + suffix;

        /// <summary>Two terms joined by a word: <c>lrTimesWeightDecay</c>; null without both.</summary>
        private static string? Join(string? left, string word, string? right) => left is null || right is null ? null : left + word + DslNames.PascalCase(right);
    }
}
