namespace ScratchOptim.Generator.Ir
{
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

        /// <summary>A <c>[State]</c> field.</summary>
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

        /// <summary>The remainder of two ints (C#'s <c>%</c>), e.g. for a step that comes round every n steps.</summary>
        Remainder,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        Equal,
        NotEqual,
        And,
        Or,
    }

    /// <summary>An expression of the update, as a value-equatable tree; every node knows its type.</summary>
    internal abstract record Expr(IrType Type);

    internal sealed record Literal(double Value, IrType Type) : Expr(Type);

    internal sealed record Variable(VariableRole Role, string Name, IrType Type) : Expr(Type);

    /// <summary>A named value of the enum type of an enum hyperparameter, e.g. <c>PyTorchVersion.V1_13</c>.</summary>
    /// <param name="EnumType">The enum's fully qualified name as C# source (see <see cref="EnumModel.Type"/>).</param>
    /// <param name="TypeName">Its simple name, for documentation.</param>
    /// <param name="Member">The member's name.</param>
    internal sealed record EnumValue(string EnumType, string TypeName, string Member) : Expr(new IrType(Scalar.Enum, Space.Step));

    internal sealed record Unary(UnaryOp Op, Expr Operand, IrType Type) : Expr(Type);

    internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right, IrType Type) : Expr(Type);

    /// <summary>An operator of the catalogue (<see cref="Operators"/>), by its name.</summary>
    internal sealed record Call(string Operator, EquatableArray<Expr> Arguments, IrType Type) : Expr(Type)
    {
        /// <summary>
        /// Called as <c>System.Math</c>'s method of that name on step-uniform values: its C# semantics are kept (e.g.
        /// <c>Math.Sign</c> returns an int and throws on NaN), so the generated code calls that same method.
        /// </summary>
        public bool SystemMath { get; init; }
    }

    internal sealed record Conditional(Expr Condition, Expr WhenTrue, Expr WhenFalse, IrType Type) : Expr(Type);

    /// <summary>
    /// A change of scalar type: a C# cast, or a step-uniform double meeting per-element values, where it is rounded to
    /// the element type (as PyTorch rounds a Python scalar where it meets a tensor).
    /// </summary>
    internal sealed record Convert(Expr Operand, IrType Type) : Expr(Type);

    /// <summary>
    /// A value the schedule computes once and then reads: a step-uniform part of a per-element expression (hoisted out
    /// of the loop) or the result of a reduction. Only scheduled IR has them; <paramref name="Id"/> indexes the plan's
    /// list of such values.
    /// </summary>
    internal sealed record Temp(int Id, IrType Type) : Expr(Type);

    /// <summary>A statement of the update.</summary>
    internal abstract record Stmt;

    /// <summary><c>Target = Value;</c>, or the declaration of a local when <paramref name="Declares"/>.</summary>
    internal sealed record Assign(Variable Target, Expr? Value, bool Declares) : Stmt;

    /// <summary>An <c>if</c> on a condition that is the same for every element of the tensor.</summary>
    internal sealed record If(Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt;

    /// <summary>How each binary operator is written in C# and in LaTeX: the one table the emitter and the renderer share.</summary>
    internal static class BinaryOperators
    {
        public static string CSharp(BinaryOp op) => op switch
        {
            BinaryOp.Add => "+",
            BinaryOp.Subtract => "-",
            BinaryOp.Multiply => "*",
            BinaryOp.Divide => "/",
            BinaryOp.Remainder => "%",
            BinaryOp.Less => "<",
            BinaryOp.LessOrEqual => "<=",
            BinaryOp.Greater => ">",
            BinaryOp.GreaterOrEqual => ">=",
            BinaryOp.Equal => "==",
            BinaryOp.NotEqual => "!=",
            BinaryOp.And => "&&",
            _ => "||",
        };

        public static string Latex(BinaryOp op) => op switch
        {
            BinaryOp.Multiply => @"\cdot",
            BinaryOp.Remainder => @"\bmod",
            BinaryOp.LessOrEqual => @"\le",
            BinaryOp.GreaterOrEqual => @"\ge",
            BinaryOp.Equal => "=",
            BinaryOp.NotEqual => @"\ne",
            BinaryOp.And => @"\land",
            BinaryOp.Or => @"\lor",
            _ => CSharp(op),
        };
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
            Call { Operator: "HasValue" } or Unary { Op: UnaryOp.Not, Operand: Call { Operator: "HasValue" } } => 3,
            Binary { Op: BinaryOp.Or } => 1,
            Binary { Op: BinaryOp.And } => 2,
            Binary { Op: BinaryOp.Equal or BinaryOp.NotEqual } => 3,
            Binary { Op: BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual } => 4,
            Binary { Op: BinaryOp.Add or BinaryOp.Subtract } => 5,
            Binary { Op: BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Remainder } => 6,
            Unary or Convert => 7,
            Literal { Value: < 0 } => 7,
            MatrixProduct => 6,
            MatrixMap map => map.Body.Precedence(),
            AsMatrix matrix => matrix.Element.Precedence(),
            ElementOf element => element.Matrix.Precedence(),
            _ => 8,
        };
    }
}
