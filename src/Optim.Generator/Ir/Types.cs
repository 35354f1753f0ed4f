namespace ScratchOptim.Generator.Ir
{
    /// <summary>What one value of the update is made of.</summary>
    internal enum Scalar
    {
        Bool,
        Int,

        /// <summary>A double: hyperparameters and step-uniform arithmetic (PyTorch's Python floats).</summary>
        Double,

        /// <summary>A float32, whatever the parameter's type (e.g. per-tensor state PyTorch keeps as a float32 0-dim tensor).</summary>
        Float,

        /// <summary>The parameter's element type: float32 or float64, chosen per tensor when the kernel runs.</summary>
        Element,

        /// <summary>A value of an enum: an enum hyperparameter or one of its members, only ever compared.</summary>
        Enum,
    }

    /// <summary>
    /// The index space a value is defined over: how many distinct values it has per tensor. Ordered from coarse to
    /// fine; a value computed from others lives in the finest of their spaces (<see cref="IrType.Join"/>), except that a
    /// per-row value meeting a per-column one is per element.
    /// </summary>
    internal enum Space
    {
        /// <summary>One value per step for the whole parameter group: hyperparameters and constants.</summary>
        Step,

        /// <summary>
        /// One value per parameter group: group state, reductions over every tensor of the group, and what is computed
        /// from them. Computed once per group, between the passes over its tensors.
        /// </summary>
        Group,

        /// <summary>One value per tensor: the step count, per-tensor state, reductions over a tensor, its shape.</summary>
        Tensor,

        /// <summary>One value per row of a 2-D view of the tensor (all dimensions but the last).</summary>
        Row,

        /// <summary>One value per column of the 2-D view (the last dimension).</summary>
        Column,

        /// <summary>One value per element.</summary>
        Element,

        /// <summary>
        /// A whole matrix (<see cref="MatrixExpr"/>, whose shape says which): computed by the linear-algebra library in host
        /// code between element phases, never element by element.
        /// </summary>
        Matrix,
    }

    /// <summary>The type of an IR value: what it is made of and where it varies.</summary>
    internal readonly record struct IrType(Scalar Scalar, Space Space)
    {
        public static readonly IrType Bool = new IrType(Scalar.Bool, Space.Step);
        public static readonly IrType Int = new IrType(Scalar.Int, Space.Step);
        public static readonly IrType StepCount = new IrType(Scalar.Int, Space.Tensor);
        public static readonly IrType Double = new IrType(Scalar.Double, Space.Step);
        public static readonly IrType Float = new IrType(Scalar.Float, Space.Step);
        public static readonly IrType Element = new IrType(Scalar.Element, Space.Element);
        public static readonly IrType ElementBool = new IrType(Scalar.Bool, Space.Element);
        public static readonly IrType Matrix = new IrType(Scalar.Element, Space.Matrix);

        /// <summary>The same for every element of a tensor: computed once per tensor (or group), outside the element loops.</summary>
        public bool IsUniform => Space is Space.Step or Space.Group or Space.Tensor;

        /// <summary>The same for every tensor of the parameter group: computable where no tensor is at hand.</summary>
        public bool IsGroupWide => Space is Space.Step or Space.Group;

        public bool IsBoolean => Scalar == Scalar.Bool;

        public IrType In(Space space) => new IrType(Scalar, space);

        /// <summary>The finer of two spaces: where a value computed from both varies.</summary>
        public static Space Join(Space a, Space b) =>
            a == b ? a
            : (a, b) is (Space.Row, Space.Column) or (Space.Column, Space.Row) ? Space.Element
            : a > b ? a : b;

        public override string ToString() => Scalar + "@" + Space;
    }
}
