using ScratchOptim.Generator.Model;

namespace ScratchOptim.Generator.Analysis
{
    /// <summary>
    /// The update split into what runs once per step and what runs per element: the step-uniform locals, the
    /// hoisted values the loop needs, and the loop body itself with multiply-adds contracted.
    /// </summary>
    /// <param name="Model">The declaration.</param>
    /// <param name="Prologue">
    /// The step-uniform statements in order: local declarations (in double precision, or float where the declaration
    /// says so) and assignments of per-tensor state.
    /// </param>
    /// <param name="Hoisted">Values computed once per step and used in the loop: floats and conditions.</param>
    /// <param name="Loop">The per-element statements; uniform parts replaced by <see cref="Model.Hoisted"/> references.</param>
    /// <param name="States">How the loop uses each state, in declaration order.</param>
    /// <param name="WritesParam">Whether the update assigns the parameter.</param>
    /// <param name="ParamRef">The kernel's name for the reference to the first parameter element.</param>
    /// <param name="GradRef">The kernel's name for the reference to the first gradient element.</param>
    internal sealed record KernelPlan(
        OptimizerModel Model,
        EquatableArray<UniformStatement> Prologue,
        EquatableArray<HoistedValue> Hoisted,
        EquatableArray<Stmt> Loop,
        EquatableArray<StateUse> States,
        bool WritesParam,
        string ParamRef,
        string GradRef);

    /// <summary>
    /// A step-uniform statement and the segment it runs in. Each assignment of per-tensor state ends a segment; a
    /// value hoisted for the loop is computed in the segment where the loop first reads it, so it sees the state as the
    /// declaration's order says.
    /// </summary>
    internal sealed record UniformStatement(Assign Statement, int Segment);

    /// <summary>A step-uniform value the loop reads.</summary>
    /// <param name="Name">Its name in the generated code.</param>
    /// <param name="Definition">Its definition over hyperparameters, the step count and uniform locals.</param>
    /// <param name="Kind"><see cref="ValueKind.Element"/>: rounded to float; <see cref="ValueKind.Bool"/>: a condition.</param>
    /// <param name="VectorName">The name of its broadcast in the vector loop (floats only).</param>
    /// <param name="Segment">The prologue segment it is computed in (see <see cref="UniformStatement"/>).</param>
    internal sealed record HoistedValue(string Name, Expr Definition, ValueKind Kind, string? VectorName, int Segment);

    /// <summary>How the update uses one state (for a per-tensor state only the name and the written flag matter).</summary>
    /// <param name="Name">The state's name.</param>
    /// <param name="Written">Whether the update assigns it (so the loop stores it back).</param>
    /// <param name="Allocation">
    /// The condition, over hyperparameters only, under which a branch that uses it can run; null when it is always used.
    /// </param>
    /// <param name="Guard">The hoisted condition that guards its loads and stores, or null.</param>
    /// <param name="RefName">The name of the reference to its first element in the kernel.</param>
    internal sealed record StateUse(string Name, bool Written, Expr? Allocation, string? Guard, string RefName);
}
