namespace ScratchOptim.Generator.Ir
{
    /// <summary>One side of a matrix value, in terms of the parameter's 2-D view (rows: all dimensions but the last).</summary>
    internal enum Extent
    {
        Rows,
        Columns,

        /// <summary>One: the single row of a flattened parameter.</summary>
        One,

        /// <summary>All the parameter's elements, rows × columns of them, in row-major order.</summary>
        Elements,
    }

    /// <summary>
    /// The shape of a matrix value: the parameter's own (rows × columns), its transpose, or a square over its rows or
    /// columns. Shapes are symbolic: a rows × rows matrix never meets a columns × columns one, even where the parameter
    /// happens to be square, so a declaration's shapes are checked once, for every parameter.
    /// </summary>
    internal readonly record struct MatrixShape(Extent Rows, Extent Columns)
    {
        /// <summary>rows × columns: the parameter, its gradient and every Element value seen as a matrix.</summary>
        public static readonly MatrixShape Parameter = new MatrixShape(Extent.Rows, Extent.Columns);

        /// <summary>1 × elements: the parameter flattened to one row (<c>Flatten</c>).</summary>
        public static readonly MatrixShape Flat = new MatrixShape(Extent.One, Extent.Elements);

        public MatrixShape Transposed => new MatrixShape(Columns, Rows);

        public bool IsSquare => Rows == Columns;

        /// <summary>As the diagnostics and the documentation write it, e.g. <c>rows × columns</c>.</summary>
        public override string ToString() => Name(Rows) + " × " + Name(Columns);

        public static string Name(Extent extent) => extent switch
        {
            Extent.Rows => "rows",
            Extent.Columns => "columns",
            Extent.One => "1",
            _ => "elements",
        };
    }

    /// <summary>
    /// A matrix value of the update (<see cref="Space.Matrix"/>). The nodes below are the algorithm as declared; the
    /// schedule replaces element expressions inside them by matrices an element phase fills (<see cref="MatrixTemp"/>).
    /// </summary>
    internal abstract record MatrixExpr(MatrixShape Shape) : Expr(IrType.Matrix);

    /// <summary>The matrix of an element expression's values: rows × columns.</summary>
    internal sealed record AsMatrix(Expr Element) : MatrixExpr(MatrixShape.Parameter);

    /// <summary>A matrix state (square, per its <c>Shape</c>) or a <c>Matrix</c> local.</summary>
    internal sealed record MatrixVariable(VariableRole Role, string Name, MatrixShape Shape) : MatrixExpr(Shape);

    /// <summary>The product Left · Right (Left's columns are Right's rows).</summary>
    internal sealed record MatrixProduct(MatrixExpr Left, MatrixExpr Right) : MatrixExpr(new MatrixShape(Left.Shape.Rows, Right.Shape.Columns));

    /// <summary>
    /// A matrix operator of the catalogue (<see cref="OperatorKind.Matrix"/>): <c>Transpose</c>, <c>Orthogonalize</c>,
    /// <c>Eigenvectors</c>, <c>QrBasis</c>, <c>EigenvalueOrder</c>. <paramref name="Matrices"/> are its matrix arguments,
    /// <paramref name="Settings"/> its step-uniform ones (steps, coefficients, precision).
    /// </summary>
    internal sealed record MatrixCall(string Operator, EquatableArray<MatrixExpr> Matrices, EquatableArray<Expr> Settings, MatrixShape Shape) : MatrixExpr(Shape);

    /// <summary>
    /// An element-wise computation over matrices of one shape (sums, scalings, <c>Lerp</c>): <paramref name="Body"/> is
    /// per-element IR whose <see cref="MapOperand"/>s stand for the elements of <paramref name="Operands"/> at the same
    /// position.
    /// </summary>
    internal sealed record MatrixMap(Expr Body, EquatableArray<MatrixExpr> Operands, MatrixShape Shape) : MatrixExpr(Shape);

    /// <summary>In a <see cref="MatrixMap"/>'s body: the element of operand <paramref name="Index"/>.</summary>
    internal sealed record MapOperand(int Index) : Expr(IrType.Element);

    /// <summary>
    /// A matrix the schedule computes once: one an element phase fills from an element expression, or one computed in
    /// host code; <paramref name="Id"/> indexes the plan's temps. Only scheduled IR has them.
    /// </summary>
    internal sealed record MatrixTemp(int Id, MatrixShape Shape) : MatrixExpr(Shape);

    /// <summary>The element of a rows × columns matrix at the element being updated.</summary>
    internal sealed record ElementOf(MatrixExpr Matrix) : Expr(IrType.Element);

    /// <summary><c>Target = Value;</c> for a matrix state or local, or the declaration of a local when <paramref name="Declares"/>.</summary>
    internal sealed record MatrixAssign(MatrixVariable Target, MatrixExpr Value, bool Declares) : Stmt;
}
