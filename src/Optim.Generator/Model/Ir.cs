using System;

namespace ScratchOptim.Generator.Model
{
    /// <summary>
    /// What a value is. Bool, Int, Double and Float values are step-uniform (the same for every element of a step);
    /// Element and ElementBool values differ per element.
    /// </summary>
    internal enum ValueKind
    {
        Bool,
        Int,
        Double,

        /// <summary>A step-uniform float: per-tensor state, or a value cast to float (as C# computes it).</summary>
        Float,

        /// <summary>A step-uniform enum value: an enum hyperparameter or one of its members, only ever compared.</summary>
        Enum,
        Element,
        ElementBool,
    }

    /// <summary>Where a variable of the update lives.</summary>
    internal enum VariableRole
    {
        /// <summary>A <c>[Hyper]</c> field.</summary>
        Hyper,

        /// <summary>The step count parameter <c>t</c> (1 on the first step).</summary>
        Step,

        /// <summary>The parameter element, updated in place.</summary>
        Param,

        /// <summary>The gradient element (a copy: assigning it changes only this step's value).</summary>
        Grad,

        /// <summary>A <c>[State]</c> buffer element, or a per-tensor <c>float</c> state.</summary>
        State,

        /// <summary>A local of the update method.</summary>
        Local,
    }

    internal enum UnaryOp
    {
        Negate,
        Not,
    }

    internal enum BinaryOp
    {
        Add,
        Subtract,
        Multiply,
        Divide,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        Equal,
        NotEqual,
        And,
        Or,
    }

    /// <summary>The functions an update may call, plus the ones the analysis introduces.</summary>
    internal enum Intrinsic
    {
        Sqrt,
        Abs,
        Sign,
        Min,
        Max,
        Clamp,
        Pow,
        Exp,
        Log,
        Fma,
        Lerp,

        /// <summary><c>1 / x</c>; introduced for <c>scalar / element</c>, which PyTorch computes as <c>reciprocal(x) * scalar</c>.</summary>
        Reciprocal,
    }

    internal static class ValueKinds
    {
        public static bool IsUniform(this ValueKind kind) => kind is ValueKind.Bool or ValueKind.Int or ValueKind.Double or ValueKind.Float or ValueKind.Enum;

        public static bool IsBoolean(this ValueKind kind) => kind is ValueKind.Bool or ValueKind.ElementBool;
    }

    internal static class Precedences
    {
        /// <summary>
        /// How tightly an expression binds when written as C# (higher binds tighter), shared by the emitter and the
        /// equation renderer so that both parenthesize exactly where the tree needs it.
        /// </summary>
        public static int Precedence(this Expr expr) => expr switch
        {
            Conditional => 0,
            Binary { Op: BinaryOp.Or } => 1,
            Binary { Op: BinaryOp.And } => 2,
            Binary { Op: BinaryOp.Equal or BinaryOp.NotEqual } => 3,
            Binary { Op: BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual } => 4,
            Binary { Op: BinaryOp.Add or BinaryOp.Subtract } => 5,
            Binary { Op: BinaryOp.Multiply or BinaryOp.Divide } => 6,
            Unary or Convert => 7,
            Literal { Value: < 0 } => 7,
            _ => 8,
        };
    }

    /// <summary>An expression of the update, as a value-equatable tree.</summary>
    internal abstract record Expr(ValueKind Kind);

    internal sealed record Literal(double Value, ValueKind Kind) : Expr(Kind);

    internal sealed record Variable(VariableRole Role, string Name, ValueKind Kind) : Expr(Kind);

    /// <summary>A named value of the enum type of an enum hyperparameter, e.g. <c>PyTorchVersion.V1_13</c>.</summary>
    /// <param name="Type">The enum's fully qualified name as C# source (see <see cref="EnumModel.Type"/>).</param>
    /// <param name="TypeName">Its simple name, for documentation.</param>
    /// <param name="Member">The member's name.</param>
    internal sealed record EnumValue(string Type, string TypeName, string Member) : Expr(ValueKind.Enum);

    internal sealed record Unary(UnaryOp Op, Expr Operand, ValueKind Kind) : Expr(Kind);

    internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right, ValueKind Kind) : Expr(Kind);

    internal sealed record Call(Intrinsic Function, EquatableArray<Expr> Arguments, ValueKind Kind) : Expr(Kind);

    internal sealed record Conditional(Expr Condition, Expr WhenTrue, Expr WhenFalse, ValueKind Kind) : Expr(Kind);

    /// <summary>A C# conversion: to double or float (step-uniform), or of a step-uniform value to an Element.</summary>
    internal sealed record Convert(Expr Operand, ValueKind Kind) : Expr(Kind);

    /// <summary>A step-uniform value computed once before the loop; Kind Element means rounded to float.</summary>
    internal sealed record Hoisted(string Name, ValueKind Kind) : Expr(Kind);

    /// <summary>A statement of the update.</summary>
    internal abstract record Stmt;

    /// <summary><c>Target = Value;</c>, or the declaration of a local when <paramref name="Declares"/>.</summary>
    /// <param name="Source">The statement as the user wrote it (set by the planner for comments in the generated loop).</param>
    internal sealed record Assign(Variable Target, Expr? Value, bool Declares, string? Source = null) : Stmt;

    internal sealed record If(Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt;
}
