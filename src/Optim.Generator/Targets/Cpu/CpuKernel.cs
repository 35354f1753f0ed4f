using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>What a buffer of the kernel holds, which decides how the loops index it.</summary>
    internal enum BufferKind
    {
        /// <summary>One value per element: the parameter, its gradient, element state.</summary>
        Element,

        /// <summary>One value per row of the 2-D view: row state, a row reduction's result, new row-state values.</summary>
        Row,

        /// <summary>One value per column of the 2-D view.</summary>
        Column,
    }

    /// <summary>A buffer the loops read or write, and the name of the reference to its first element.</summary>
    /// <param name="InWorkspace">A per-row or per-column buffer in the kernel's workspace.</param>
    /// <param name="InMatrices">A matrix of the parameter's shape in the matrix workspace: one an element phase fills for the matrix work, or one it computed.</param>
    internal sealed record KernelBuffer(string Name, BufferKind Kind, string RefName, bool InWorkspace, bool InMatrices = false);

    /// <summary>
    /// What the loops test to know that a state (or a matrix of the matrix work) is allocated: <paramref name="Test"/>, a C#
    /// condition over the kernel's bool <paramref name="Fields"/> (<c>rowsPreconditioned</c>, <c>!muonStep</c>,
    /// <c>mars &amp;&amp; marsTypeIsShampooAndRankIs2</c>).
    /// </summary>
    internal sealed record Guard(IReadOnlyList<string> Fields, string Test);

    /// <summary>
    /// The CPU target's view of one plan: the names it gives every temp, buffer and guard, and the kernel's parameters.
    /// Naming belongs here, not to the planner: another target may name things its own way.
    /// </summary>
    internal sealed class CpuKernel
    {
        /// <param name="plan">The update's plan, or a procedure's.</param>
        /// <param name="kernelName">The kernel method's name: <c>Kernel</c> for the update, the procedure's name for a procedure.</param>
        public CpuKernel(KernelPlan plan, string kernelName = "Kernel")
        {
            Plan = plan;
            Name = kernelName;
            var model = plan.Model;
            var reserved = new List<string>(GeneratedNames.KernelLocals);
            reserved.AddRange(GeneratedNames.LoopFunctions);
            reserved.AddRange(model.States.Select(s => s.Name));
            reserved.AddRange(new[] { model.Signature.Param, model.Signature.Grad, model.Signature.Step }.Where(n => n.Length > 0));
            IrWalker.Visit(model.Body, stmt =>
            {
                if (stmt is Assign { Declares: true } declaration) reserved.Add(declaration.Target.Name);
                if (stmt is MatrixAssign { Declares: true } matrix) reserved.Add(matrix.Target.Name);
            }, _ => { });
            Namer = new Namer(reserved);
            // A procedure that does not take the step count still receives it, under a name of its own.
            StepName = model.Signature.HasStep ? model.Signature.Step : Namer.Claim("stepCount");

            // A group state's stored value keeps the state's name; each new value is named after it.
            var assigned = plan.GroupSegments.SelectMany(s => s.Items).OfType<GroupStateAssign>().ToDictionary(a => a.TempId, a => a.Declared.Target.Name);
            var uses = UseNames(plan);
            var tempNames = new List<string>();
            foreach (var t in plan.Temps)
            {
                string name = t switch
                {
                    { IsStoredGroupState: true, Definition: Variable state } => state.Name,
                    { Kind: TempKind.GroupState } => Namer.Claim(assigned[t.Id] + "New"),
                    _ => Namer.For(Unscheduled(t.Definition, plan), t.Type, uses.TryGetValue(t.Id, out var use) ? use : null),
                };
                Namer.Remember(t.Id, name, t.Definition);
                tempNames.Add(name);
            }
            TempNames = tempNames;
            // A matrix the loops read has two names: its elements' (the temp's) and the whole matrix's.
            MatrixNames = plan.Temps.Where(t => t.Kind == TempKind.Matrix)
                .ToDictionary(t => t.Id, t => Namer.Claim(TempNames[t.Id] + "Matrix"));
            // The loops' own names for values derived from the plan's, claimed like the rest so that none is a user's name.
            var uniform = plan.Temps.Where(t => t.Type.IsUniform && !t.Type.IsBoolean).ToList();
            LoopNames = new LoopNames(
                Vectors: uniform.ToDictionary(t => t.Id, t => Namer.Claim(TempNames[t.Id] + "Vec")),
                Prepared: uniform.SelectMany(t => Operators.All.Where(op => op.PreparedArgument >= 0).Select(op => (t.Id, op.Name)))
                    .ToDictionary(key => key, key => Namer.Claim(TempNames[key.Id] + key.Name)),
                Lanes: plan.Temps.Where(t => t.Kind is TempKind.Reduction or TempKind.GroupReduction).ToDictionary(t => t.Id, t => Namer.Claim(TempNames[t.Id] + "Lanes")),
                NewStates: plan.AllHostItems().OfType<HostRowAssign>().Select(a => a.Statement.Target.Name).Distinct()
                    .ToDictionary(state => state, state => Namer.Claim(state + "New")));
            Expressions = new CpuExpressions(TempNames, model, LoopNames);
            PhaseLocals = plan.GroupWide ? plan.Parts.Select(p => Namer.Claim("phase" + p.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList() : new List<string>();

            // The parameter and the gradient, when the method takes them (the update always does).
            var buffers = new List<KernelBuffer>();
            if (model.Signature.HasParam)
                buffers.Add(new KernelBuffer(model.Signature.Param, BufferKind.Element, Namer.Claim(model.Signature.Param + "Ref"), false));
            if (model.Signature.HasGrad)
                buffers.Add(new KernelBuffer(model.Signature.Grad, BufferKind.Element, Namer.Claim(model.Signature.Grad + "Ref"), false));
            foreach (var state in model.States.Where(s => !s.IsUniform && s.Space != Space.Matrix))
                buffers.Add(new KernelBuffer(state.Name, Kind(state.Space), Namer.Claim(state.Name + "Ref"), false));
            foreach (var written in RowAssignments.Select(a => a.Statement.Target).Distinct())
            {
                string name = LoopNames.NewStates[written.Name];
                buffers.Add(new KernelBuffer(name, Kind(written.Type.Space), Namer.Claim(name + "Ref"), true));
            }
            foreach (var temp in plan.Temps.Where(t => t.Kind == TempKind.Reduction && t.Type.Space is Space.Row or Space.Column))
                buffers.Add(new KernelBuffer(TempNames[temp.Id], Kind(temp.Type.Space), Namer.Claim(TempNames[temp.Id] + "Ref"), true));
            foreach (var temp in plan.Temps.Where(t => t.Kind is TempKind.Materialized or TempKind.Matrix))
                buffers.Add(new KernelBuffer(TempNames[temp.Id], BufferKind.Element, Namer.Claim(TempNames[temp.Id] + "Ref"), false, InMatrices: true));
            Buffers = buffers;

            Guards = new Dictionary<string, Guard>();
            var computed = ComputedBools();
            foreach (var state in plan.States.Where(s => s.Allocation is not null))
                Guards[state.Name] = GuardOf(state.Allocation!, state.Name, computed);
            var stateGuardFields = new HashSet<string>(Guards.Values.SelectMany(g => g.Fields));
            // A matrix of the matrix work is made, and read by the loops, only where that work can run.
            MatrixAllocations = MatrixAllocationsOf(plan);
            foreach (var allocation in MatrixAllocations)
            {
                var guard = GuardOf(allocation.Value, TempNames[allocation.Key], computed);
                Guards[TempNames[allocation.Key]] = guard;
                MatrixGuards.UnionWith(guard.Fields.Where(f => !stateGuardFields.Contains(f)));
            }
        }

        /// <summary>
        /// What element statements use hoisted values for, to name one whose definition gives no short name: the factor or
        /// the divisor of the value a statement assigns (<c>g = g * Min(...)</c>: <c>gFactor</c>), by the first such use.
        /// </summary>
        private static Dictionary<int, string> UseNames(KernelPlan plan)
        {
            var names = new Dictionary<int, string>();
            foreach (var phase in plan.Parts.SelectMany(p => p.Phases))
            {
                IrWalker.Visit(phase.Body, stmt =>
                {
                    if (stmt is not ElementAssign { Scheduled: { Value: Binary { Op: BinaryOp.Multiply or BinaryOp.Divide } value } assign }) return;
                    var used = value.Right is Temp right ? right : value is { Op: BinaryOp.Multiply, Left: Temp left } ? left : null;
                    if (used is not null && plan.Temps[used.Id].Kind == TempKind.Hoisted && !names.ContainsKey(used.Id))
                        names[used.Id] = assign.Target.Name + (value.Op == BinaryOp.Multiply ? "Factor" : "Divisor");
                }, _ => { });
            }
            return names;
        }

        /// <summary>
        /// The guard that says <paramref name="condition"/> holds, that state or matrix <paramref name="owner"/> is allocated:
        /// bools host code computes before the first phase anyway, or their negations, joined by <c>&amp;&amp;</c>;
        /// otherwise a bool of the guard's own (one of <see cref="GuardFields"/>).
        /// </summary>
        private Guard GuardOf(Expr condition, string owner, List<ComputedBool> computed)
        {
            if (Tests(condition, computed) is { } tests)
            {
                foreach (var (known, _) in tests) GuardFields[known.Field] = known.Value;
                return new Guard(tests.Select(t => t.Bool.Field).ToList(), string.Join(" && ", tests.Select(t => (t.Negated ? "!" : "") + t.Bool.Field)));
            }
            string own = GuardFields.FirstOrDefault(g => g.Value == condition).Key ?? Namer.For(condition, IrType.Bool, owner + "Allocated");
            GuardFields[own] = condition;
            return new Guard(new[] { own }, own);
        }

        /// <summary>The bools of <paramref name="computed"/> that test <paramref name="condition"/>, each conjunct one of them or its negation; null if one is neither.</summary>
        private static List<(ComputedBool Bool, bool Negated)>? Tests(Expr condition, List<ComputedBool> computed)
        {
            if (computed.Find(c => c.Value == condition) is { } same) return new List<(ComputedBool, bool)> { (same, false) };
            if (condition is Unary { Op: UnaryOp.Not } not && computed.Find(c => c.Value == not.Operand) is { } opposite)
                return new List<(ComputedBool, bool)> { (opposite, true) };
            if (condition is Binary { Op: BinaryOp.And } both && Tests(both.Left, computed) is { } left && Tests(both.Right, computed) is { } right)
                return left.Concat(right).ToList();
            return null;
        }

        /// <summary>A bool field host code computes, and its value as allocation conditions are written.</summary>
        private sealed record ComputedBool(string Field, Expr Value);

        /// <summary>
        /// The bools host code computes before the first phase that a guard can test: the update's own step-uniform bool
        /// locals first, then hoisted conditions.
        /// </summary>
        private List<ComputedBool> ComputedBools()
        {
            var computed = new List<ComputedBool>();
            foreach (var statement in Plan.Model.Body)
            {
                if (statement is Assign { Declares: true, Target: { Type: { IsUniform: true, IsBoolean: true } } local } && ComputedUpFront(local.Name)
                    && AllocationPlanner.KnownBeforeStep(local, Plan.Model) is { } value)
                    computed.Add(new ComputedBool(CpuExpressions.Id(local.Name), value));
            }
            foreach (var temp in Plan.Temps.Where(t => t.Kind == TempKind.Hoisted && t.Segment == 0 && t.Type.IsBoolean))
            {
                if (AllocationPlanner.KnownBeforeStep(temp.Definition, Plan.Model) is { } value)
                    computed.Add(new ComputedBool(TempNames[temp.Id], value));
            }
            return computed;
        }

        /// <summary>
        /// Whether host code computes the local before the first phase in every part that computes it, the last part among
        /// them: its field then holds its value in every phase (a step-uniform local is assigned once, where it is declared).
        /// </summary>
        private bool ComputedUpFront(string local)
        {
            bool final = false;
            foreach (var part in Plan.Parts)
            {
                for (int segment = 0; segment < part.Segments.Count; segment++)
                {
                    if (!part.Segments[segment].Items.Any(item => item is HostAssign { Statement.Target.Name: var name } && name == local)) continue;
                    if (segment > 0) return false;
                    final |= part.Final;
                }
            }
            return final;
        }

        /// <summary>
        /// The matrices phases fill or read that only work inside ifs uses, by temp, with the condition (known before the
        /// step) under which that work can run: any of its uses' reservations. A matrix some work outside every if uses is
        /// always made, and not listed.
        /// </summary>
        private static Dictionary<int, Expr> MatrixAllocationsOf(KernelPlan plan)
        {
            var uses = new Dictionary<int, List<Expr?>>();
            foreach (var item in plan.AllHostItems())
            {
                (Expr Tree, Expr? Reserve, int? Own)? work = item switch
                {
                    HostMatrix matrix => (plan.Temps[matrix.Id].Definition, matrix.Reserve, matrix.Id),
                    HostMatrixAssign assign => (assign.Statement.Value, assign.Reserve, null),
                    _ => null,
                };
                if (work is not { } found) continue;
                Expr? when = item.Guard is null ? null : found.Reserve;
                var ids = new List<int>();
                if (found.Own is { } own) ids.Add(own);
                IrWalker.Visit(found.Tree, e => { if (e is MatrixTemp temp) ids.Add(temp.Id); });
                foreach (int id in ids)
                {
                    if (!uses.TryGetValue(id, out var list)) uses[id] = list = new List<Expr?>();
                    list.Add(when);
                }
            }
            return uses
                .Where(u => plan.Temps[u.Key].Kind is TempKind.Materialized or TempKind.Matrix && plan.Temps[u.Key].Definition is not MatrixVariable
                    && u.Value.All(w => w is not null))
                .ToDictionary(u => u.Key, u => u.Value.Distinct().Aggregate((a, b) => new Binary(BinaryOp.Or, a!, b!, a!.Type))!);
        }

        /// <summary>The matrices of <see cref="MatrixAllocations"/>: by temp, when they are made.</summary>
        public IReadOnlyDictionary<int, Expr> MatrixAllocations { get; }

        /// <summary>The fields of <see cref="GuardFields"/> that only matrices' guards test: they say a matrix is made.</summary>
        public HashSet<string> MatrixGuards { get; } = new HashSet<string>();

        public KernelPlan Plan { get; }

        /// <summary>The kernel method's name.</summary>
        public string Name { get; }

        /// <summary>Whether this is a procedure's kernel rather than the update's.</summary>
        public bool IsProcedure => Name != "Kernel";

        /// <summary>The name of the kernel's step-count parameter.</summary>
        public string StepName { get; }

        public Namer Namer { get; }

        public IReadOnlyList<string> TempNames { get; }

        /// <summary>The locals of a group's step that hold each part's struct (<c>phase1</c>, ...).</summary>
        public IReadOnlyList<string> PhaseLocals { get; }

        public string TempName(int id) => TempNames[id];

        /// <summary>For each matrix computed in host code and read by the loops: the name of the whole matrix (its span).</summary>
        public IReadOnlyDictionary<int, string> MatrixNames { get; }

        /// <summary>A matrix temp's definition with the matrices it reads in their declared form, to name it by what it holds.</summary>
        private static Expr Unscheduled(Expr definition, KernelPlan plan) => definition switch
        {
            MatrixTemp temp => Unscheduled(plan.Temps[temp.Id].Definition, plan),
            MatrixCall call => call with { Matrices = call.Matrices.Select(m => (MatrixExpr)Unscheduled(m, plan)).ToEquatableArray() },
            _ => definition,
        };

        public CpuExpressions Expressions { get; }

        /// <summary>The loops' names derived from the plan's: broadcasts, prepared arguments, reductions' lanes, new row and column values.</summary>
        public LoopNames LoopNames { get; }

        /// <summary>Every buffer the loops index, parameter and gradient first, then state, then workspace.</summary>
        public IReadOnlyList<KernelBuffer> Buffers { get; }

        /// <summary>For each state (and matrix of the matrix work, by its temp's name) allocated only under a condition, what says it was.</summary>
        public Dictionary<string, Guard> Guards { get; }

        /// <summary>
        /// The bool fields <see cref="Guards"/> test, each with its value: host code computes it before the first phase as
        /// a hoisted value or a local of the update, or, where it does not, as a guard's own.
        /// </summary>
        public Dictionary<string, Expr> GuardFields { get; } = new Dictionary<string, Expr>();

        /// <summary>
        /// Whether the kernel does matrix work (with ScratchOptim.LinearAlgebra): it has matrix state, or its plan has
        /// matrices that phases fill or read, or host code that computes matrices.
        /// </summary>
        public bool UsesMatrices =>
            Plan.Model.States.Any(s => s.Space == Space.Matrix)
            || Plan.Temps.Any(t => t.Kind is TempKind.Materialized or TempKind.Matrix)
            || Plan.AllHostItems().Any(i => i is HostMatrixAssign);

        /// <summary>The buffers the kernel takes as arguments (as references to their first elements): parameter, gradient, element and row/column state.</summary>
        public IEnumerable<KernelBuffer> Arguments => Buffers.Where(b => !b.InWorkspace && !b.InMatrices);

        /// <summary>Whether the kernel reads the tensor's shape: the loops run over rows and columns, or the update asks for it.</summary>
        public bool UsesShape
        {
            get
            {
                if (Plan.RowsAndColumns || UsesMatrices) return true;
                bool uses = false;
                foreach (var temp in Plan.Temps) IrWalker.Visit(temp.Definition, e => uses |= e is Call call && Operators.Get(call.Operator).Kind == OperatorKind.Shape);
                foreach (var item in Plan.AllHostItems())
                {
                    var value = item switch
                    {
                        HostAssign assign => assign.Statement.Value,
                        HostGroupAccumulate accumulate => accumulate.Value,
                        _ => null,
                    };
                    if (value is not null) IrWalker.Visit(value, e => uses |= e is Call call && Operators.Get(call.Operator).Kind == OperatorKind.Shape);
                }
                return uses;
            }
        }

        /// <summary>
        /// Whether a phase may run over any block-aligned range of the elements: not when the loops run over rows and
        /// columns, nor beside matrix work (each tensor's phases then run whole, on one thread, around its matrix work).
        /// </summary>
        public bool SplitsTensors => !Plan.RowsAndColumns && !UsesMatrices;

        /// <summary>
        /// The sums phase <paramref name="phase"/> accumulates, in the order its blocks leave their partial sums: the
        /// tensor's own and its shares of the group's (which the host code adds to the group's sums, tensor by tensor).
        /// </summary>
        public IReadOnlyList<int> TensorSums(ElementPhase phase)
        {
            var ids = new List<int>();
            IrWalker.Visit(phase.Body, s =>
            {
                if (s is Accumulate accumulate && Plan.Temps[accumulate.TempId].Type.Space is Space.Tensor or Space.Group && !ids.Contains(accumulate.TempId)) ids.Add(accumulate.TempId);
            }, _ => { });
            return ids;
        }

        /// <summary>The partial sums each block of a part leaves: the most sums of any of its phases.</summary>
        public int PartialsPerBlock(TensorPart part) => part.Phases.Select(p => TensorSums(p).Count).DefaultIfEmpty(0).Max();

        /// <summary>The per-tensor (uniform, not group) states, which the kernels take as single values.</summary>
        public IEnumerable<StateModel> TensorStates => Plan.Model.States.Where(s => s.IsUniform && s.Space != Space.Group);

        /// <summary>The workspace buffers, each as long as the rows or the columns.</summary>
        public IEnumerable<KernelBuffer> Workspace => Buffers.Where(b => b.InWorkspace);

        /// <summary>The new values of per-row and per-column state: the final part computes them all.</summary>
        public IEnumerable<HostRowAssign> RowAssignments => Plan.Final.Segments.SelectMany(s => s.Items).OfType<HostRowAssign>();

        /// <summary>The name of a part's kernel: <see cref="Name"/> when there is one part, <c>Kernel1</c>, <c>Kernel2</c>, ... otherwise.</summary>
        public string KernelName(TensorPart part) => Plan.Parts.Count == 1 ? Name : Name + part.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The name of the struct that runs a part on each tensor of a group: <c>Phase1</c>, <c>Phase2</c>, ...</summary>
        public static string PhaseName(TensorPart part) => "Phase" + part.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The C# name of a group value a part reads: a group-wide local keeps its name, a temp has its own.</summary>
        public string InputName(Expr input) => input is Temp temp ? TempNames[temp.Id] : CSharp.Id(((Variable)input).Name);

        /// <summary>The C# type of a group value: double, float, int or bool.</summary>
        public static string InputType(Expr input) => KernelEmitter.ScalarType(input.Type.Scalar);

        public static BufferKind Kind(Space space) => space switch
        {
            Space.Row => BufferKind.Row,
            Space.Column => BufferKind.Column,
            _ => BufferKind.Element,
        };

        public KernelBuffer Buffer(string name) => Buffers.First(b => b.Name == name);
    }
}
