using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// Marks a field of an optimizer declaration as optimizer state. An <see cref="Element"/> field holds values of
    /// the parameter's element type, one per element unless <see cref="Shape"/> says otherwise; a <c>float</c> or
    /// <c>double</c> field holds one value per tensor, or one per parameter group with <see cref="StateShape.Group"/>
    /// (Prodigy's step-size estimate d); a <see cref="Matrix"/> field is a square matrix of the element type,
    /// <see cref="StateShape.RowByRow"/>, <see cref="StateShape.ColumnByColumn"/> or <see cref="StateShape.ElementByElement"/>.
    /// State is allocated once, on the first step that can use it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class StateAttribute : Attribute
    {
        /// <summary>The name PyTorch gives this state (e.g. <c>"exp_avg"</c>); defaults to the field name in snake_case.</summary>
        public string? Torch { get; set; }

        /// <summary>
        /// The hyperparameter whose value fills the buffer when it is allocated (<c>nameof(initialAccumulatorValue)</c>);
        /// null fills it with zeros.
        /// </summary>
        public string? Init { get; set; }

        /// <summary>
        /// How many values an <see cref="Element"/> state has per tensor: one per element (the default), one per tensor,
        /// or one per row or per column of the tensor seen as a matrix (rows: all dimensions but the last). A <c>float</c>
        /// or <c>double</c> state is per tensor, or per parameter group with <see cref="StateShape.Group"/>; for a
        /// <see cref="Matrix"/> state, which square matrix it is.
        /// </summary>
        public StateShape Shape { get; set; }
    }

    /// <summary>How many values a state has per tensor.</summary>
    public enum StateShape
    {
        /// <summary>One per element of the parameter.</summary>
        Element = 0,

        /// <summary>One per tensor.</summary>
        Tensor = 1,

        /// <summary>One per row of the tensor seen as a matrix (rows: the product of all dimensions but the last).</summary>
        Row = 2,

        /// <summary>One per column of the tensor seen as a matrix (columns: its last dimension).</summary>
        Column = 3,

        /// <summary>A rows × rows <see cref="Matrix"/> (e.g. a left preconditioner, built from G·Gᵀ).</summary>
        RowByRow = 4,

        /// <summary>A columns × columns <see cref="Matrix"/> (e.g. a right preconditioner, built from Gᵀ·G).</summary>
        ColumnByColumn = 5,

        /// <summary>
        /// An n × n <see cref="Matrix"/> over all n elements of the tensor (e.g. a preconditioner of the flattened
        /// gradient, built from <c>Transpose(Flatten(g)) * Flatten(g)</c>).
        /// </summary>
        ElementByElement = 6,

        /// <summary>
        /// One per parameter group, shared by all its tensors (a <c>float</c> or <c>double</c> field): written from
        /// hyperparameters, other group state and group reductions (<see cref="Intrinsics.GroupSum"/>, ...), read by
        /// every tensor's update. With <see cref="OptimizerAttribute.AcrossGroups"/>, one for the whole optimizer.
        /// </summary>
        Group = 7,
    }
}
