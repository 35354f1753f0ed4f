using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// The schedule of one tensor's step: host code (step-uniform and per-tensor values, in double precision, and
    /// small loops over rows or columns) around one or more element phases (loops over every element). A reduction
    /// splits the step: the values it sums are accumulated in one phase, and whatever reads its result runs in host code
    /// after that phase or in a later phase. Later phases recompute the element values they need from the same inputs
    /// (state and parameters are stored only by the last phase, so every phase reads this step's inputs), which keeps
    /// every phase allocation-free and the results independent of the schedule.
    /// </summary>
    /// <param name="Model">The declaration.</param>
    /// <param name="Temps">The values the schedule computes once: hoisted step-uniform values and reduction results, by id.</param>
    /// <param name="Segments">Host code: <c>Segments[s]</c> runs after element phase <c>s</c> (<c>Segments[0]</c> before the first).</param>
    /// <param name="Phases">The element phases in order; the last one stores the parameter and the element state.</param>
    /// <param name="States">How each state is allocated, in declaration order.</param>
    /// <param name="RowsAndColumns">The loops run over the tensor as a matrix (rows × columns), because the update uses per-row or per-column values.</param>
    internal sealed record KernelPlan(
        OptimizerModel Model,
        EquatableArray<TempValue> Temps,
        EquatableArray<HostSegment> Segments,
        EquatableArray<ElementPhase> Phases,
        EquatableArray<StatePlan> States,
        bool RowsAndColumns);

    internal enum TempKind
    {
        /// <summary>A step-uniform part of a per-element expression: computed once in host code and, if numeric, rounded to the element type.</summary>
        Hoisted,

        /// <summary>The result of a reduction, accumulated in an element phase (or, over row or column values, in host code).</summary>
        Reduction,

        /// <summary>
        /// A matrix an element phase fills with an element expression (<see cref="Store"/>), for the matrix work after it;
        /// its definition is the <see cref="AsMatrix"/> of the scheduled expression.
        /// </summary>
        Materialized,

        /// <summary>
        /// A rows × columns matrix computed in host code (<see cref="HostMatrix"/>) and read element by element by later
        /// phases; its definition is the scheduled <see cref="MatrixExpr"/>.
        /// </summary>
        Matrix,
    }

    /// <summary>A value the schedule computes once (see <see cref="Temp"/>).</summary>
    /// <param name="Definition">
    /// For a hoisted value, its step-uniform expression; for a reduction, the <see cref="Call"/> of <c>Sum</c>,
    /// <c>MaxAbs</c>, <c>RowSum</c> or <c>ColumnSum</c> on the (scheduled) values it reduces.
    /// </param>
    /// <param name="Segment">The host segment from which it is available.</param>
    internal sealed record TempValue(int Id, TempKind Kind, Expr Definition, IrType Type, int Segment);

    /// <summary>The host code between two element phases, in program order.</summary>
    internal sealed record HostSegment(EquatableArray<HostItem> Items);

    /// <summary>One piece of host code; it runs only when <paramref name="Guard"/> (a step-uniform condition) holds.</summary>
    internal abstract record HostItem(Expr? Guard);

    /// <summary>A step-uniform local's declaration, or a new value of a per-tensor state.</summary>
    internal sealed record HostAssign(Assign Statement, Expr? Guard) : HostItem(Guard);

    /// <summary>The new values of a per-row or per-column state, computed in a loop over rows or columns into its workspace.</summary>
    internal sealed record HostRowAssign(Assign Statement, Expr? Guard) : HostItem(Guard);

    /// <summary>Computes a hoisted value (<see cref="TempKind.Hoisted"/>) or finishes a reduction (<see cref="TempKind.Reduction"/>).</summary>
    internal sealed record HostTemp(int Id) : HostItem((Expr?)null);

    /// <summary>Computes the matrix temp <paramref name="Id"/> (<see cref="TempKind.Matrix"/>) with the linear-algebra library.</summary>
    /// <param name="Reserve">
    /// The condition, known before the step (over hyperparameters and the tensor's shape), under which this work can run
    /// at all: its memory and solvers are made on the first step when it holds; null when it always can.
    /// </param>
    internal sealed record HostMatrix(int Id, Expr? Guard, Expr? Reserve) : HostItem(Guard);

    /// <summary>A matrix state's new value, or a <c>Matrix</c> local's, computed with the linear-algebra library.</summary>
    /// <param name="Reserve">As <see cref="HostMatrix.Reserve"/>.</param>
    internal sealed record HostMatrixAssign(MatrixAssign Statement, Expr? Guard, Expr? Reserve) : HostItem(Guard);

    /// <summary>A loop over every element: the statements it needs, with <see cref="Accumulate"/> where reductions add their values.</summary>
    /// <param name="Number">1 for the first phase.</param>
    /// <param name="Body">
    /// The element statements (<see cref="ElementAssign"/>, <see cref="Accumulate"/>, <see cref="Store"/> and ifs around
    /// them), in program order; their uniform parts are <see cref="Temp"/>s.
    /// </param>
    /// <param name="Final">The last phase: it runs every element statement and stores the parameter and the element state.</param>
    internal sealed record ElementPhase(int Number, EquatableArray<Stmt> Body, bool Final);

    /// <summary>An element statement as declared (for the generated code's comments) and as scheduled.</summary>
    internal sealed record ElementAssign(Assign Declared, Assign Scheduled) : Stmt;

    /// <summary>What an element phase hands to the code after it: a value per element, gathered into temp <paramref name="TempId"/>.</summary>
    internal abstract record PhaseOutput(int TempId, Expr Value) : Stmt;

    /// <summary>Adds <paramref name="Value"/> (of the current element) to reduction <paramref name="TempId"/>.</summary>
    internal sealed record Accumulate(int TempId, Expr Value) : PhaseOutput(TempId, Value);

    /// <summary>Writes <paramref name="Value"/> (of the current element) into the matrix <paramref name="TempId"/>.</summary>
    internal sealed record Store(int TempId, Expr Value) : PhaseOutput(TempId, Value);

    /// <summary>
    /// The new values of a per-row or per-column state, read after the statement that computes them: they live in a
    /// workspace until the step ends, so that what ran before still sees the old values.
    /// </summary>
    internal sealed record NewState(string Name, IrType Type) : Expr(Type);

    /// <summary>How a state is allocated.</summary>
    /// <param name="Allocation">
    /// The condition under which some branch that uses it can run, over hyperparameters and the tensor's shape; null when
    /// it is always needed.
    /// </param>
    /// <param name="Written">Whether the update assigns it.</param>
    internal sealed record StatePlan(string Name, Expr? Allocation, bool Written);
}
