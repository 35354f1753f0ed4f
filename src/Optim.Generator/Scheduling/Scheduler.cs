using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// Turns an update into a <see cref="KernelPlan"/>. It walks the update once in program order and gives every value
    /// the earliest place it can be computed: a step-uniform or per-tensor value goes to the host segment after the
    /// phase that produced the last reduction it reads; a per-element statement runs in the first element phase after
    /// everything it reads is known; a reduction accumulates in the phase where its argument can be computed. Writes of
    /// per-tensor state wait for every earlier read of the old value, so the declared order holds. Along the way it
    /// applies the rounding rewrites (<see cref="Contraction"/>) and hoists each maximal step-uniform part of a
    /// per-element expression into a value computed once.
    /// </summary>
    internal sealed partial class Scheduler
    {
        private readonly OptimizerModel model;
        private readonly CancellationToken cancellationToken;
        private readonly List<TempValue> temps = new List<TempValue>();
        private readonly Dictionary<(Expr Definition, string Versions), int> hoisted = new Dictionary<(Expr, string), int>();
        private readonly List<(int Position, int Segment, HostItem Item)> host = new List<(int, int, HostItem)>();

        /// <summary>The segment from which each uniform local and each per-tensor state's current value is known.</summary>
        private readonly Dictionary<string, int> uniformSegment = new Dictionary<string, int>();

        /// <summary>How many times each per-tensor state has been assigned so far: values read from it are keyed by it.</summary>
        private readonly Dictionary<string, int> stateVersion = new Dictionary<string, int>();

        /// <summary>The latest segment of anything that read each per-tensor state's current value.</summary>
        private readonly Dictionary<string, int> readerSegment = new Dictionary<string, int>();

        /// <summary>The first phase in which each element variable's current value can be computed.</summary>
        private readonly Dictionary<string, int> elementReady = new Dictionary<string, int>();

        /// <summary>The segment after which each per-row or per-column state's new values are known.</summary>
        private readonly Dictionary<string, int> rowStateSegment = new Dictionary<string, int>();

        private int position;

        private Scheduler(OptimizerModel model, CancellationToken cancellationToken)
        {
            this.model = model;
            this.cancellationToken = cancellationToken;
        }

        public static KernelPlan Plan(OptimizerModel model, CancellationToken cancellationToken)
        {
            var scheduler = new Scheduler(model, cancellationToken);
            var tree = scheduler.Walk(model.Body, new List<(Expr Condition, int Segment)>());
            return scheduler.Build(tree);
        }

        // ---- The walk: program order, one node per element statement ----

        /// <summary>An element statement, a reduction's accumulation or an if around them, with when it can run.</summary>
        private sealed class Node
        {
            public int Position;
            public Stmt? Statement;          // ElementAssign or Accumulate
            public Expr? Condition;          // for an if
            public List<Node> Then = new List<Node>();
            public List<Node> Else = new List<Node>();
            public int Ready = 1;
            public int AccumulatePhase;      // for an Accumulate: the phase it belongs to
            public HashSet<string> Reads = new HashSet<string>();
            public string? Writes;
        }

        private List<Node> Walk(EquatableArray<Stmt> statements, List<(Expr Condition, int Segment)> guards)
        {
            var nodes = new List<Node>();
            foreach (var statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                position++;
                switch (statement)
                {
                    case Assign assign when assign.Target.Type.IsUniform:
                        WalkUniform(assign, guards, nodes);
                        break;
                    case Assign assign when assign.Target.Type.Space is Space.Row or Space.Column:
                        WalkRowOrColumn(assign, guards, nodes);
                        break;
                    case Assign assign:
                        WalkElement(assign, guards, nodes);
                        break;
                    case MatrixAssign matrix:
                        WalkMatrix(matrix, guards, nodes);
                        break;
                    case If branch:
                        // The condition is decided once, here: host code inside the branch and the loops both read that value.
                        var condition = Hoist(ScheduleUniform(branch.Condition, guards, nodes, out int conditionSegment));
                        declaredConditions.Add(branch.Condition);
                        var then = Walk(branch.Then, new List<(Expr, int)>(guards) { (condition, conditionSegment) });
                        declaredConditions[declaredConditions.Count - 1] = Negate(branch.Condition);
                        var otherwise = Walk(branch.Else, new List<(Expr, int)>(guards) { (Negate(condition), conditionSegment) });
                        declaredConditions.RemoveAt(declaredConditions.Count - 1);
                        if (then.Count > 0 || otherwise.Count > 0)
                            nodes.Add(new Node { Position = position, Condition = condition, Then = then, Else = otherwise, Ready = conditionSegment + 1 });
                        break;
                }
            }
            return nodes;
        }

        private void WalkUniform(Assign assign, List<(Expr Condition, int Segment)> guards, List<Node> nodes)
        {
            var value = assign.Value is null ? null : ScheduleUniform(assign.Value, guards, nodes, out _);
            int segment = value is null ? 0 : SegmentOf(value);
            segment = System.Math.Max(segment, GuardSegment(guards));
            if (value is not null) NoteReads(value, segment);
            string name = assign.Target.Name;
            if (assign.Target.Role == VariableRole.State)
            {
                // A new value waits until everything that read the old one has run.
                segment = System.Math.Max(segment, readerSegment.TryGetValue(name, out int readers) ? readers : 0);
                stateVersion[name] = (stateVersion.TryGetValue(name, out int version) ? version : 0) + 1;
                readerSegment[name] = segment;
            }
            uniformSegment[name] = segment;
            host.Add((position, segment, new HostAssign(assign with { Value = value }, Guard(guards))));
        }

        private void WalkRowOrColumn(Assign assign, List<(Expr Condition, int Segment)> guards, List<Node> nodes)
        {
            var value = ScheduleRowOrColumn(assign.Value!, guards, nodes);
            int segment = System.Math.Max(SegmentOf(value), GuardSegment(guards));
            rowStateSegment[assign.Target.Name] = segment;
            host.Add((position, segment, new HostRowAssign(assign with { Value = value }, Guard(guards))));
        }

        private void WalkElement(Assign assign, List<(Expr Condition, int Segment)> guards, List<Node> nodes)
        {
            var node = new Node { Position = position, Writes = assign.Target.Name };
            var value = assign.Value is null ? null : ScheduleElement(assign.Value, guards, nodes, node);
            node.Statement = new ElementAssign(assign, assign with { Value = value });
            node.Ready = System.Math.Max(node.Ready, GuardSegment(guards) + 1);
            if (assign.Value is not null)
                elementReady[assign.Target.Name] = System.Math.Max(elementReady.TryGetValue(assign.Target.Name, out int ready) ? ready : 1, node.Ready);
            else
                elementReady[assign.Target.Name] = 1;
            nodes.Add(node);
        }

        // ---- Expressions ----

        /// <summary>A step-uniform expression: its reductions become temps whose values accumulate before this point.</summary>
        private Expr ScheduleUniform(Expr expr, List<(Expr Condition, int Segment)> guards, List<Node> nodes, out int segment)
        {
            var scheduled = ReplaceReductions(Contraction.Desugar(expr), guards, nodes);
            segment = SegmentOf(scheduled);
            return scheduled;
        }

        /// <summary>A per-row or per-column expression, computed in host code in a loop over rows or columns.</summary>
        private Expr ScheduleRowOrColumn(Expr expr, List<(Expr Condition, int Segment)> guards, List<Node> nodes)
        {
            var rounded = Contraction.ScalarDivision(model.Strict ? Contraction.Desugar(expr) : Contraction.Fuse(Contraction.Desugar(expr)));
            return HoistUniformParts(ReadNewRowState(ReplaceReductions(rounded, guards, nodes)));
        }

        /// <summary>A per-element expression: rounding rewrites, reductions and hoisting; it updates <paramref name="node"/>'s readiness and reads.</summary>
        private Expr ScheduleElement(Expr expr, List<(Expr Condition, int Segment)> guards, List<Node> nodes, Node node)
        {
            var matrixFree = ReplaceMatrixReads(expr, guards, nodes);
            var rounded = Contraction.ScalarDivision(model.Strict ? Contraction.Desugar(matrixFree) : Contraction.Fuse(Contraction.Desugar(matrixFree)));
            var scheduled = HoistUniformParts(ReadNewRowState(ReplaceReductions(rounded, guards, nodes)));
            IrWalker.Visit(scheduled, e =>
            {
                switch (e)
                {
                    case Temp temp:
                        node.Ready = System.Math.Max(node.Ready, temps[temp.Id].Segment + 1);
                        break;
                    case NewState state:
                        node.Ready = System.Math.Max(node.Ready, rowStateSegment[state.Name] + 1);
                        break;
                    case Variable { Type.IsUniform: false } variable:
                        node.Reads.Add(variable.Name);
                        if (elementReady.TryGetValue(variable.Name, out int ready)) node.Ready = System.Math.Max(node.Ready, ready);
                        break;
                }
            });
            return scheduled;
        }

        /// <summary>
        /// Replaces each reduction by a temp. A reduction over per-element values accumulates in an element phase, at
        /// this point of the update (inside the same ifs); one over per-row or per-column values is a loop in host code.
        /// </summary>
        private Expr ReplaceReductions(Expr expr, List<(Expr Condition, int Segment)> guards, List<Node> nodes)
        {
            var rebuilt = Contraction.Rebuild(expr, e => ReplaceReductions(e, guards, nodes));
            if (rebuilt is not Call call || !Operators.Get(call.Operator).IsReduction) return rebuilt;

            var argument = call.Arguments[0];
            if (argument.Type.Space != Space.Element)
            {
                var rowArgument = ReadNewRowState(argument);
                int segment = System.Math.Max(SegmentOf(rowArgument), GuardSegment(guards));
                int id = AddTemp(TempKind.Reduction, call with { Arguments = new[] { rowArgument }.ToEquatableArray() }, call.Type, segment);
                host.Add((position, segment, new HostTemp(id)));
                return new Temp(id, call.Type);
            }

            var node = new Node { Position = position };
            var value = ScheduleElement(argument, guards, nodes, node);
            node.Ready = System.Math.Max(node.Ready, GuardSegment(guards) + 1);
            node.AccumulatePhase = node.Ready;
            int reductionId = AddTemp(TempKind.Reduction, call with { Arguments = new[] { value }.ToEquatableArray() }, call.Type, node.Ready);
            node.Statement = new Accumulate(reductionId, value);
            nodes.Add(node);
            if (call.Type.Space == Space.Tensor) host.Add((position, node.Ready, new HostTemp(reductionId)));
            return new Temp(reductionId, call.Type);
        }

        /// <summary>Reads of a per-row or per-column state after this step computed its new values read the new values.</summary>
        private Expr ReadNewRowState(Expr expr) => expr switch
        {
            Variable { Role: VariableRole.State } state when rowStateSegment.ContainsKey(state.Name) => new NewState(state.Name, state.Type),
            _ => Contraction.Rebuild(expr, ReadNewRowState),
        };

        /// <summary>Replaces each maximal step-uniform subtree of a per-element expression by a value computed once.</summary>
        private Expr HoistUniformParts(Expr expr) =>
            expr.Type.IsUniform ? Hoist(expr) : Contraction.Rebuild(expr, HoistUniformParts);

        private Expr Hoist(Expr uniform)
        {
            // Constants are hoisted too: the loops read them as named values of the element type, like any other.
            if (uniform is Temp or Literal { Type.IsBoolean: true }) return uniform;
            // The value read from a per-tensor state depends on how often it has been assigned before this point.
            string versions = string.Join(",", StatesRead(uniform).Select(s => s + "@" + (stateVersion.TryGetValue(s, out int v) ? v : 0)));
            if (!hoisted.TryGetValue((uniform, versions), out int id))
            {
                int segment = SegmentOf(uniform);
                NoteReads(uniform, segment);
                var type = new IrType(uniform.Type.IsBoolean ? Scalar.Bool : Scalar.Element, uniform.Type.Space);
                id = AddTemp(TempKind.Hoisted, uniform, type, segment);
                hoisted.Add((uniform, versions), id);
                host.Add((position, segment, new HostTemp(id)));
            }
            return new Temp(id, temps[id].Type);
        }

        private int AddTemp(TempKind kind, Expr definition, IrType type, int segment)
        {
            temps.Add(new TempValue(temps.Count, kind, definition, type, segment));
            return temps.Count - 1;
        }

        /// <summary>The segment from which a uniform (or per-row) expression can be evaluated.</summary>
        private int SegmentOf(Expr expr)
        {
            int segment = 0;
            IrWalker.Visit(expr, e =>
            {
                int known = e switch
                {
                    Temp temp => temps[temp.Id].Segment,
                    MatrixTemp temp => temps[temp.Id].Segment,
                    MatrixVariable matrix => matrixSegment.TryGetValue(matrix.Name, out int s) ? s : 0,
                    NewState state => rowStateSegment[state.Name],
                    Variable { Role: VariableRole.Local or VariableRole.State } variable when uniformSegment.TryGetValue(variable.Name, out int s) => s,
                    _ => 0,
                };
                segment = System.Math.Max(segment, known);
            });
            return segment;
        }

        /// <summary>Records that something evaluated in <paramref name="segment"/> read the per-tensor states in <paramref name="expr"/>.</summary>
        private void NoteReads(Expr expr, int segment)
        {
            foreach (var state in StatesRead(expr))
                readerSegment[state] = System.Math.Max(readerSegment.TryGetValue(state, out int s) ? s : 0, segment);
        }

        private IEnumerable<string> StatesRead(Expr expr)
        {
            var names = new SortedSet<string>(System.StringComparer.Ordinal);
            IrWalker.Visit(expr, e =>
            {
                if (e is Variable { Role: VariableRole.State, Type.IsUniform: true } state) names.Add(state.Name);
            });
            return names;
        }

        private static int GuardSegment(List<(Expr Condition, int Segment)> guards) => guards.Count == 0 ? 0 : guards.Max(g => g.Segment);

        private static Expr? Guard(List<(Expr Condition, int Segment)> guards) =>
            guards.Count == 0 ? null : guards.Select(g => g.Condition).Aggregate((a, b) => new Binary(BinaryOp.And, a, b, IrType.Bool.In(IrType.Join(a.Type.Space, b.Type.Space))));

        private static Expr Negate(Expr condition) => new Unary(UnaryOp.Not, condition, condition.Type);

        // ---- Building the plan ----

        private KernelPlan Build(List<Node> tree)
        {
            int phases = 1;
            ForEachNode(tree, node => phases = System.Math.Max(phases, node.Ready));

            var elementPhases = new List<ElementPhase>();
            for (int phase = 1; phase <= phases; phase++)
            {
                bool final = phase == phases;
                var needed = new HashSet<string>();
                var body = final ? Select(tree, phase, needed: null) : Slice(tree, phase, needed);
                elementPhases.Add(new ElementPhase(phase, body, final));
            }

            // Hoisted values nothing reads (the condition of an if whose branches hold nothing) are not computed at all.
            var used = UsedTemps(elementPhases);
            var segments = Enumerable.Range(0, phases + 1)
                .Select(s => new HostSegment(host
                    .Where(h => h.Segment == s && (h.Item is not HostTemp { } item || temps[item.Id].Kind != TempKind.Hoisted || used.Contains(item.Id)))
                    .OrderBy(h => h.Position)
                    .Select(h => h.Item)
                    .ToEquatableArray()))
                .ToList();

            bool rowsAndColumns = model.States.Any(s => s.Space is Space.Row or Space.Column)
                || temps.Any(t => t.Type.Space is Space.Row or Space.Column);
            return new KernelPlan(model, temps.ToEquatableArray(), segments.ToEquatableArray(), elementPhases.ToEquatableArray(),
                AllocationPlanner.Plan(model), rowsAndColumns);
        }

        /// <summary>The final phase: every element statement, and the reductions that accumulate in it.</summary>
        private static EquatableArray<Stmt> Select(List<Node> nodes, int phase, HashSet<string>? needed)
        {
            var output = new List<Stmt>();
            foreach (var node in nodes)
            {
                switch (node.Statement)
                {
                    case PhaseOutput phaseOutput when node.AccumulatePhase == phase:
                        output.Add(phaseOutput);
                        break;
                    case ElementAssign assign:
                        output.Add(assign);
                        break;
                    case null:
                        var then = Select(node.Then, phase, needed);
                        var otherwise = Select(node.Else, phase, needed);
                        if (then.Count > 0 || otherwise.Count > 0) output.Add(new If(node.Condition!, then, otherwise));
                        break;
                }
            }
            return output.ToEquatableArray();
        }

        /// <summary>
        /// An earlier phase: only the statements the reductions of <paramref name="phase"/> need, found backwards from
        /// their accumulations through the element variables they read.
        /// </summary>
        private static EquatableArray<Stmt> Slice(List<Node> nodes, int phase, HashSet<string> needed) =>
            Slice(nodes, phase, needed, new HashSet<string>());

        /// <param name="written">The variables the slice assigns so far: their declarations are kept even when their values are not needed.</param>
        private static EquatableArray<Stmt> Slice(List<Node> nodes, int phase, HashSet<string> needed, HashSet<string> written)
        {
            var output = new List<Stmt>();
            for (int i = nodes.Count - 1; i >= 0; i--)
            {
                var node = nodes[i];
                switch (node.Statement)
                {
                    case PhaseOutput phaseOutput when node.AccumulatePhase == phase:
                        output.Add(phaseOutput);
                        needed.UnionWith(node.Reads);
                        break;
                    case ElementAssign assign when node.Writes is not null && needed.Contains(node.Writes):
                        output.Add(assign);
                        written.Add(node.Writes);
                        if (assign.Scheduled.Value is not null && !node.Reads.Contains(node.Writes)) needed.Remove(node.Writes);
                        needed.UnionWith(node.Reads);
                        break;
                    case ElementAssign { Scheduled.Declares: true } declaration when written.Contains(declaration.Scheduled.Target.Name):
                        var bare = declaration.Scheduled with { Value = null };
                        output.Add(new ElementAssign(declaration.Declared with { Value = null }, bare));
                        break;
                    case null:
                        // Variables an if assigns stay needed: the branch may not run.
                        var thenNeeded = new HashSet<string>(needed);
                        var elseNeeded = new HashSet<string>(needed);
                        var then = Slice(node.Then, phase, thenNeeded, written);
                        var otherwise = Slice(node.Else, phase, elseNeeded, written);
                        needed.UnionWith(thenNeeded);
                        needed.UnionWith(elseNeeded);
                        if (then.Count > 0 || otherwise.Count > 0) output.Add(new If(node.Condition!, then, otherwise));
                        break;
                }
            }
            output.Reverse();
            return output.ToEquatableArray();
        }

        /// <summary>The temps the phases and the host code read, and those their definitions read in turn.</summary>
        private HashSet<int> UsedTemps(List<ElementPhase> phases)
        {
            var used = new HashSet<int>();
            void Note(Expr? expr)
            {
                if (expr is null) return;
                IrWalker.Visit(expr, e =>
                {
                    if (e is Temp temp && used.Add(temp.Id)) Note(temps[temp.Id].Definition);
                });
            }
            foreach (var phase in phases)
                IrWalker.Visit(phase.Body, statement =>
                {
                    if (statement is PhaseOutput phaseOutput) Note(phaseOutput.Value);
                    if (statement is ElementAssign assign) Note(assign.Scheduled.Value);
                }, Note);
            foreach (var (_, _, item) in host)
            {
                Note(item.Guard);
                if (item is HostAssign assign) Note(assign.Statement.Value);
                if (item is HostRowAssign rowAssign) Note(rowAssign.Statement.Value);
                if (item is HostTemp { } hostTemp && temps[hostTemp.Id].Kind == TempKind.Reduction) Note(temps[hostTemp.Id].Definition);
                if (item is HostMatrix { } matrix) Note(temps[matrix.Id].Definition);
                if (item is HostMatrixAssign matrixAssign) Note(matrixAssign.Statement.Value);
            }
            return used;
        }

        private static void ForEachNode(List<Node> nodes, System.Action<Node> action)
        {
            foreach (var node in nodes)
            {
                action(node);
                ForEachNode(node.Then, action);
                ForEachNode(node.Else, action);
            }
        }
    }
}
