using System.Linq;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// The schedule of one step. Per tensor: host code (step-uniform and per-tensor values, in double precision, and
    /// small loops over rows or columns) around one or more element phases (loops over every element). A reduction
    /// splits the step: the values it sums are accumulated in one phase, and whatever reads its result runs in host code
    /// after that phase or in a later phase. Later phases recompute the element values they need from the same inputs
    /// (state and parameters are stored only by the last phase, so every phase reads this step's inputs), which keeps
    /// every phase allocation-free and the results independent of the schedule.
    /// <para>
    /// A step that reads group values (group state, reductions over every tensor of the parameter group) runs in
    /// <see cref="Parts"/>: each part passes over every tensor of the group, and the group's own host code
    /// (<see cref="GroupSegments"/>) runs between them. The same rule holds one level up: every part recomputes what it
    /// needs from this step's inputs, and only the last part stores anything; a group state's new value is a new value
    /// (<see cref="TempKind.GroupState"/>), so what ran before it still sees the old one.
    /// </para>
    /// </summary>
    /// <param name="Model">The declaration.</param>
    /// <param name="Temps">The values the schedule computes once: hoisted values, reduction results and group values, by id.</param>
    /// <param name="Parts">The passes over the tensors, in order; the last one (<see cref="Final"/>) runs the whole update and stores it.</param>
    /// <param name="GroupSegments">
    /// The group's host code: <c>GroupSegments[k]</c> runs once per group after part <c>k</c> (<c>GroupSegments[0]</c> before
    /// the first). Empty unless <see cref="GroupWide"/>.
    /// </param>
    /// <param name="States">How each state is allocated, in declaration order.</param>
    /// <param name="RowsAndColumns">The loops run over the tensor as a matrix (rows × columns), because the update uses per-row or per-column values.</param>
    /// <param name="GroupWide">The step reads group values: it runs across each parameter group at once, not tensor by tensor.</param>
    /// <param name="GroupCommits">For each group state the update assigns, its value at the end of the step, which the group stores.</param>
    internal sealed record KernelPlan(
        OptimizerModel Model,
        EquatableArray<TempValue> Temps,
        EquatableArray<TensorPart> Parts,
        EquatableArray<HostSegment> GroupSegments,
        EquatableArray<StatePlan> States,
        bool RowsAndColumns,
        bool GroupWide,
        EquatableArray<GroupCommit> GroupCommits)
    {
        /// <summary>The part that runs every statement and stores the parameter and the state.</summary>
        public TensorPart Final => Parts[Parts.Count - 1];
    }

    /// <summary>
    /// One pass over a tensor: host code around element phases. Every part but the last computes only what its group
    /// sums need (<see cref="GroupSums"/>) and stores nothing; the last runs the whole update.
    /// </summary>
    /// <param name="Number">1 for the first part.</param>
    /// <param name="Segments">Host code: <c>Segments[s]</c> runs after element phase <c>s</c> (<c>Segments[0]</c> before the first).</param>
    /// <param name="Phases">The element phases in order; in the final part, the last one stores the parameter and the element state.</param>
    /// <param name="Inputs">The group values it reads (group-wide locals, group state values, group sums), in a fixed order.</param>
    /// <param name="GroupSums">The group reductions this part adds each tensor's share to.</param>
    /// <param name="Guard">
    /// A group-wide condition under which alone this part does anything (every group sum it adds to is inside an
    /// <c>if</c> on it): the group's host code runs the part only when it holds. Null when it always runs.
    /// </param>
    /// <param name="Final">Whether it is the last part.</param>
    internal sealed record TensorPart(
        int Number,
        EquatableArray<HostSegment> Segments,
        EquatableArray<ElementPhase> Phases,
        EquatableArray<Expr> Inputs,
        EquatableArray<int> GroupSums,
        Expr? Guard,
        bool Final);

    internal enum TempKind
    {
        /// <summary>A step-uniform part of a per-element expression: computed once in host code and, if numeric, rounded to the element type.</summary>
        Hoisted,

        /// <summary>The result of a reduction over a tensor, accumulated in an element phase (or, over row or column values, in host code).</summary>
        Reduction,

        /// <summary>The result of a reduction over every tensor of the group: each part adds the tensors' shares, in group order.</summary>
        GroupReduction,

        /// <summary>
        /// A value of a group state: its stored value (the definition is the state's <see cref="Variable"/>), or the
        /// value an assignment gives it (guarded assignments keep the previous value where the guard fails).
        /// </summary>
        GroupState,

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
    /// <c>MaxAbs</c>, <c>RowSum</c>, <c>ColumnSum</c>, <c>RowMaxAbs</c>, <c>ColumnMaxAbs</c>, <c>GroupSum</c> or <c>GroupMaxAbs</c> on the (scheduled) values it
    /// reduces; for a group state value, what the state holds.
    /// </param>
    /// <param name="Segment">
    /// The host segment from which it is available: within a part for a tensor's values; for group values
    /// (<see cref="IsGroupLevel"/>), the group segment.
    /// </param>
    /// <param name="Part">For a tensor's values, the first part that can compute it (1 when it reads no group value).</param>
    internal sealed record TempValue(int Id, TempKind Kind, Expr Definition, IrType Type, int Segment, int Part = 1)
    {
        /// <summary>Computed once per group (by the group's host code and the parts' sums), not per tensor.</summary>
        public bool IsGroupLevel => Kind is TempKind.GroupReduction or TempKind.GroupState;

        /// <summary>
        /// The value a group state holds before the step assigns it (its definition is the state itself), as against a
        /// new value an assignment gives it, whose definition may also be a bare variable (<c>d = total</c>, a local;
        /// <c>d = d0</c>, a hyperparameter), but never a group state: the update's reads of those are temps.
        /// </summary>
        public bool IsStoredGroupState => Kind == TempKind.GroupState && Definition is Variable { Role: VariableRole.State };
    }

    /// <summary>The host code between two element phases (or, for the group, between two parts), in program order.</summary>
    internal sealed record HostSegment(EquatableArray<HostItem> Items)
    {
        public static readonly HostSegment Empty = new HostSegment(EquatableArray<HostItem>.Empty);
    }

    /// <summary>One piece of host code; it runs only when <paramref name="Guard"/> (a step-uniform condition) holds.</summary>
    internal abstract record HostItem(Expr? Guard);

    /// <summary>A step-uniform local's declaration, or a new value of a per-tensor state.</summary>
    internal sealed record HostAssign(Assign Statement, Expr? Guard) : HostItem(Guard);

    /// <summary>
    /// The new values of a per-row or per-column state, computed in a loop over rows or columns into its workspace;
    /// <paramref name="Declared"/> is the statement as the update wrote it (for the generated code's comment).
    /// </summary>
    internal sealed record HostRowAssign(Assign Statement, Expr? Guard, Assign Declared) : HostItem(Guard);

    /// <summary>Computes a hoisted value (<see cref="TempKind.Hoisted"/>) or finishes a reduction (<see cref="TempKind.Reduction"/>).</summary>
    internal sealed record HostTemp(int Id) : HostItem((Expr?)null);

    /// <summary>In the group's host code: a group state's new value <paramref name="TempId"/>, as <paramref name="Declared"/> assigns it.</summary>
    internal sealed record GroupStateAssign(int TempId, Assign Declared) : HostItem((Expr?)null);

    /// <summary>The value <paramref name="TempId"/> a group state holds at the end of the step.</summary>
    internal sealed record GroupCommit(string State, int TempId);

    /// <summary>Adds a tensor's per-tensor (or per-row or per-column) <paramref name="Value"/> to group reduction <paramref name="TempId"/>.</summary>
    internal sealed record HostGroupAccumulate(int TempId, Expr Value, Expr? Guard) : HostItem(Guard);

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
    /// <param name="Final">The last phase of the final part: it runs every element statement and stores the parameter and the element state.</param>
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

    internal static class KernelPlanExtensions
    {
        /// <summary>Every host item of every part and of the group, in no particular order.</summary>
        public static System.Collections.Generic.IEnumerable<HostItem> AllHostItems(this KernelPlan plan) =>
            plan.Parts.SelectMany(p => p.Segments).Concat(plan.GroupSegments).SelectMany(s => s.Items);

        /// <summary>
        /// The hyperparameters the group's own code reads (its host code, the parts' guards, the group states' initial
        /// values), in declaration order. Across groups they come from the first group, so the groups must agree on them.
        /// </summary>
        public static System.Collections.Generic.IEnumerable<HyperModel> GroupCodeHyperparameters(this KernelPlan plan)
        {
            var read = new System.Collections.Generic.HashSet<string>();
            void Note(Expr? expr)
            {
                if (expr is null) return;
                IrWalker.Visit(expr, e =>
                {
                    if (e is Variable { Role: VariableRole.Hyper } hyper) read.Add(hyper.Name);
                });
            }
            foreach (var item in plan.GroupSegments.SelectMany(s => s.Items))
            {
                Note(item.Guard);
                switch (item)
                {
                    case HostAssign assign:
                        Note(assign.Statement.Value);
                        break;
                    case GroupStateAssign stateAssign:
                        Note(plan.Temps[stateAssign.TempId].Definition);
                        break;
                }
            }
            foreach (var part in plan.Parts) Note(part.Guard);
            foreach (var state in plan.Model.States)
                if (state.Space == Space.Group && state.Init is not null) read.Add(state.Init);
            return plan.Model.Hypers.Where(h => read.Contains(h.Name));
        }
    }
}
