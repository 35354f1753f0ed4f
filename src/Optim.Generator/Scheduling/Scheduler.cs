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
    /// <para>
    /// Group values add one level above: a value read from a group sum is known after the part that accumulates it, so
    /// what reads it runs in a later part; group-wide locals and group state are computed in the group's host code
    /// between parts. Every tensor value has a part (the first pass that can compute it) beside its segment or phase
    /// within a part; <see cref="PartSlicer"/> builds each part from that.
    /// </para>
    /// </summary>
    internal sealed partial class Scheduler
    {
        private readonly OptimizerModel model;
        private readonly CancellationToken cancellationToken;
        private readonly List<TempValue> temps = new List<TempValue>();
        private readonly Dictionary<(Expr Definition, string Versions), int> hoisted = new Dictionary<(Expr, string), int>();
        private readonly List<ScheduledHost> host = new List<ScheduledHost>();
        private readonly List<(int Position, int Segment, HostItem Item)> groupHost = new List<(int, int, HostItem)>();

        /// <summary>The segment from which each uniform local and each per-tensor state's current value is known.</summary>
        private readonly Dictionary<string, int> uniformSegment = new Dictionary<string, int>();

        /// <summary>The first part that can compute each per-tensor local and each per-tensor state's current value.</summary>
        private readonly Dictionary<string, int> uniformPart = new Dictionary<string, int>();

        /// <summary>How many times each per-tensor state has been assigned so far: values read from it are keyed by it.</summary>
        private readonly Dictionary<string, int> stateVersion = new Dictionary<string, int>();

        /// <summary>The latest segment of anything that read each per-tensor state's current value.</summary>
        private readonly Dictionary<string, int> readerSegment = new Dictionary<string, int>();

        /// <summary>The first phase, and part, in which each element variable's current value can be computed.</summary>
        private readonly Dictionary<string, (int Phase, int Part)> elementReady = new Dictionary<string, (int, int)>();

        /// <summary>The segment, and part, after which each per-row or per-column state's new values are known.</summary>
        private readonly Dictionary<string, (int Segment, int Part)> rowStateReady = new Dictionary<string, (int, int)>();

        /// <summary>The group segment after which each group-wide local is known.</summary>
        private readonly Dictionary<string, int> groupLocalSegment = new Dictionary<string, int>();

        /// <summary>The temp holding each group state's current value.</summary>
        private readonly Dictionary<string, int> groupStateValue = new Dictionary<string, int>();

        /// <summary>The step-uniform locals, which the group's host code declares again where it reads them.</summary>
        private readonly Dictionary<string, (int Position, Assign Declaration)> stepLocals = new Dictionary<string, (int, Assign)>();

        private int position;

        private Scheduler(OptimizerModel model, CancellationToken cancellationToken)
        {
            this.model = model;
            this.cancellationToken = cancellationToken;
        }

        public static KernelPlan Plan(OptimizerModel model, CancellationToken cancellationToken)
        {
            var scheduler = new Scheduler(model, cancellationToken);
            var tree = scheduler.Walk(model.Body, new List<EnclosingIf>());
            return scheduler.Build(tree);
        }

        // ---- The walk: program order, one node per element statement ----

        /// <summary>An element statement, a reduction's accumulation or an if around them, with when it can run.</summary>
        internal sealed class Node
        {
            public int Position;
            public Stmt? Statement;          // ElementAssign or Accumulate
            public Expr? Condition;          // for an if
            public List<Node> Then = new List<Node>();
            public List<Node> Else = new List<Node>();
            public int Ready = 1;
            public int Part = 1;
            public int AccumulatePhase;      // for an Accumulate: the phase it belongs to
            public Expr? GroupGuard;         // for a group sum's Accumulate: the group-wide conditions it is under
            public HashSet<string> Reads = new HashSet<string>();
            public string? Writes;
        }

        /// <summary>A host item of a tensor's code, with the first part that can run it and its segment within a part.</summary>
        internal sealed record ScheduledHost(int Position, int Part, int Segment, HostItem Item, Expr? GroupGuard = null);

        /// <summary>
        /// The condition of an enclosing if: as the tensor's code reads it (a hoisted temp), and, when it is the same for
        /// the whole group, as the group's code evaluates it.
        /// </summary>
        private sealed record EnclosingIf(Expr Condition, int Segment, int Part, Expr? GroupCondition, int GroupSegment);

        private List<Node> Walk(EquatableArray<Stmt> statements, List<EnclosingIf> guards)
        {
            var nodes = new List<Node>();
            foreach (var statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                position++;
                switch (statement)
                {
                    case Assign { Target: { Role: VariableRole.State, Type.Space: Space.Group } } assign:
                        WalkGroupState(assign, guards, nodes);
                        break;
                    case Assign { Declares: true, Target.Type.Space: Space.Group } assign:
                        WalkGroupLocal(assign, guards, nodes);
                        break;
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
                        var scheduled = ScheduleUniform(branch.Condition, guards, nodes);
                        var condition = Hoist(scheduled);
                        var groupCondition = branch.Condition.Type.IsGroupWide ? scheduled : null;
                        var guard = new EnclosingIf(condition, SegmentOf(scheduled), PartOf(scheduled), groupCondition, groupCondition is null ? 0 : GroupSegmentOf(groupCondition));
                        var negated = guard with { Condition = Negate(condition), GroupCondition = groupCondition is null ? null : Negate(groupCondition) };
                        declaredConditions.Add(branch.Condition);
                        var then = Walk(branch.Then, new List<EnclosingIf>(guards) { guard });
                        declaredConditions[declaredConditions.Count - 1] = Negate(branch.Condition);
                        var otherwise = Walk(branch.Else, new List<EnclosingIf>(guards) { negated });
                        declaredConditions.RemoveAt(declaredConditions.Count - 1);
                        if (then.Count > 0 || otherwise.Count > 0)
                            nodes.Add(new Node { Position = position, Condition = condition, Then = then, Else = otherwise, Ready = guard.Segment + 1, Part = guard.Part });
                        break;
                }
            }
            return nodes;
        }

        private void WalkUniform(Assign assign, List<EnclosingIf> guards, List<Node> nodes)
        {
            var value = assign.Value is null ? null : ScheduleUniform(assign.Value, guards, nodes);
            int segment = System.Math.Max(value is null ? 0 : SegmentOf(value), GuardSegment(guards));
            int part = System.Math.Max(value is null ? 1 : PartOf(value), GuardPart(guards));
            if (value is not null) NoteReads(value, segment);
            string name = assign.Target.Name;
            if (assign.Target.Role == VariableRole.State)
            {
                // A new value waits until everything that read the old one has run.
                segment = System.Math.Max(segment, readerSegment.TryGetValue(name, out int readers) ? readers : 0);
                stateVersion[name] = (stateVersion.TryGetValue(name, out int version) ? version : 0) + 1;
                readerSegment[name] = segment;
            }
            else if (assign.Declares && assign.Target.Type.Space == Space.Step)
            {
                stepLocals[name] = (position, assign with { Value = value });
            }
            uniformSegment[name] = segment;
            uniformPart[name] = part;
            host.Add(new ScheduledHost(position, part, segment, new HostAssign(assign with { Value = value }, Guard(guards))));
        }

        /// <summary>A local computed from group values: the group's host code computes it once per group.</summary>
        private void WalkGroupLocal(Assign assign, List<EnclosingIf> guards, List<Node> nodes)
        {
            var value = ScheduleUniform(assign.Value!, guards, nodes);
            int segment = GroupSegmentOf(value);
            groupLocalSegment[assign.Target.Name] = segment;
            groupHost.Add((position, segment, new HostAssign(assign with { Value = value }, null)));
        }

        /// <summary>
        /// A new value of a group state, computed by the group's host code. It is a value of its own: what read the
        /// previous value, in this part or (recomputed) in a later one, keeps reading that.
        /// </summary>
        private void WalkGroupState(Assign assign, List<EnclosingIf> guards, List<Node> nodes)
        {
            var value = ScheduleUniform(assign.Value!, guards, nodes);
            var type = assign.Target.Type;
            var guard = GroupGuard(guards);
            var definition = guard is null ? value : new Conditional(guard, value, GroupStateValue(assign.Target), type);
            int id = AddTemp(TempKind.GroupState, definition, type, GroupSegmentOf(definition));
            groupStateValue[assign.Target.Name] = id;
            groupHost.Add((position, temps[id].Segment, new GroupStateAssign(id, assign)));
        }

        private void WalkRowOrColumn(Assign assign, List<EnclosingIf> guards, List<Node> nodes)
        {
            var value = ScheduleRowOrColumn(assign.Value!, guards, nodes);
            int segment = System.Math.Max(SegmentOf(value), GuardSegment(guards));
            int part = System.Math.Max(PartOf(value), GuardPart(guards));
            rowStateReady[assign.Target.Name] = (segment, part);
            host.Add(new ScheduledHost(position, part, segment, new HostRowAssign(assign with { Value = value }, Guard(guards), assign)));
        }

        private void WalkElement(Assign assign, List<EnclosingIf> guards, List<Node> nodes)
        {
            var node = new Node { Position = position, Writes = assign.Target.Name };
            var value = assign.Value is null ? null : ScheduleElement(assign.Value, guards, nodes, node);
            node.Statement = new ElementAssign(assign, assign with { Value = value });
            node.Ready = System.Math.Max(node.Ready, GuardSegment(guards) + 1);
            node.Part = System.Math.Max(node.Part, GuardPart(guards));
            if (assign.Value is not null)
            {
                var ready = elementReady.TryGetValue(assign.Target.Name, out var known) ? known : (Phase: 1, Part: 1);
                elementReady[assign.Target.Name] = (System.Math.Max(ready.Phase, node.Ready), System.Math.Max(ready.Part, node.Part));
            }
            else
            {
                elementReady[assign.Target.Name] = (1, 1);
            }
            nodes.Add(node);
        }

        // ---- Expressions ----

        /// <summary>A step-uniform expression: its reductions become temps whose values accumulate before this point.</summary>
        private Expr ScheduleUniform(Expr expr, List<EnclosingIf> guards, List<Node> nodes) =>
            ReplaceReductions(Contraction.Desugar(expr), guards, nodes);

        /// <summary>A per-row or per-column expression, computed in host code in a loop over rows or columns.</summary>
        private Expr ScheduleRowOrColumn(Expr expr, List<EnclosingIf> guards, List<Node> nodes)
        {
            var rounded = Contraction.ScalarDivision(model.Strict ? Contraction.Desugar(expr) : Contraction.Fuse(Contraction.Desugar(expr)));
            return HoistUniformParts(ReadNewRowState(ReplaceReductions(rounded, guards, nodes)));
        }

        /// <summary>A per-element expression: rounding rewrites, reductions and hoisting; it updates <paramref name="node"/>'s readiness and reads.</summary>
        private Expr ScheduleElement(Expr expr, List<EnclosingIf> guards, List<Node> nodes, Node node)
        {
            var matrixFree = ReplaceMatrixReads(expr, guards, nodes);
            var rounded = Contraction.ScalarDivision(model.Strict ? Contraction.Desugar(matrixFree) : Contraction.Fuse(Contraction.Desugar(matrixFree)));
            var scheduled = HoistUniformParts(ReadNewRowState(ReplaceReductions(rounded, guards, nodes)));
            IrWalker.Visit(scheduled, e =>
            {
                switch (e)
                {
                    case Temp temp:
                        node.Ready = System.Math.Max(node.Ready, (temps[temp.Id].IsGroupLevel ? 0 : temps[temp.Id].Segment) + 1);
                        node.Part = System.Math.Max(node.Part, PartOf(temp));
                        break;
                    case NewState state:
                        node.Ready = System.Math.Max(node.Ready, rowStateReady[state.Name].Segment + 1);
                        node.Part = System.Math.Max(node.Part, rowStateReady[state.Name].Part);
                        break;
                    case Variable { Type.IsUniform: false } variable:
                        node.Reads.Add(variable.Name);
                        if (elementReady.TryGetValue(variable.Name, out var ready))
                        {
                            node.Ready = System.Math.Max(node.Ready, ready.Phase);
                            node.Part = System.Math.Max(node.Part, ready.Part);
                        }
                        break;
                }
            });
            return scheduled;
        }

        /// <summary>
        /// Replaces each reduction by a temp, and each read of a group state by its current value. A reduction over
        /// per-element values accumulates in an element phase, at this point of the update (inside the same ifs); one
        /// over per-row or per-column values is a loop in host code. A group reduction accumulates likewise in every
        /// tensor, in the part its argument can be computed in; its result is known to the group after that part.
        /// </summary>
        private Expr ReplaceReductions(Expr expr, List<EnclosingIf> guards, List<Node> nodes)
        {
            if (expr is Variable { Role: VariableRole.State, Type.Space: Space.Group } groupState) return GroupStateValue(groupState);
            var rebuilt = Contraction.Rebuild(expr, e => ReplaceReductions(e, guards, nodes));
            if (rebuilt is not Call call || !Operators.Get(call.Operator).IsReduction) return rebuilt;

            bool group = Operators.IsGroupReduction(call);
            var argument = call.Arguments[0];
            if (argument.Type.Space != Space.Element)
            {
                var uniformArgument = ReadNewRowState(argument);
                int segment = System.Math.Max(SegmentOf(uniformArgument), GuardSegment(guards));
                int part = System.Math.Max(PartOf(uniformArgument), GuardPart(guards));
                var definition = call with { Arguments = new[] { uniformArgument }.ToEquatableArray() };
                if (group)
                {
                    int sum = AddTemp(TempKind.GroupReduction, definition, call.Type, part);
                    host.Add(new ScheduledHost(position, part, segment, new HostGroupAccumulate(sum, uniformArgument, Guard(guards)), GroupGuard(guards)));
                    return new Temp(sum, call.Type);
                }
                int id = AddTemp(TempKind.Reduction, definition, call.Type, segment, part);
                host.Add(new ScheduledHost(position, part, segment, new HostTemp(id)));
                return new Temp(id, call.Type);
            }

            var node = new Node { Position = position };
            var value = ScheduleElement(argument, guards, nodes, node);
            node.Ready = System.Math.Max(node.Ready, GuardSegment(guards) + 1);
            node.Part = System.Math.Max(node.Part, GuardPart(guards));
            node.AccumulatePhase = node.Ready;
            var reduction = call with { Arguments = new[] { value }.ToEquatableArray() };
            int reductionId = group
                ? AddTemp(TempKind.GroupReduction, reduction, call.Type, node.Part)
                : AddTemp(TempKind.Reduction, reduction, call.Type, node.Ready, node.Part);
            if (group) node.GroupGuard = GroupGuard(guards);
            node.Statement = new Accumulate(reductionId, value);
            nodes.Add(node);
            if (call.Type.Space == Space.Tensor) host.Add(new ScheduledHost(position, node.Part, node.Ready, new HostTemp(reductionId)));
            return new Temp(reductionId, call.Type);
        }

        /// <summary>The temp holding a group state's current value: its stored value until the update assigns it.</summary>
        private Temp GroupStateValue(Variable state)
        {
            if (!groupStateValue.TryGetValue(state.Name, out int id))
            {
                id = AddTemp(TempKind.GroupState, state, state.Type, 0);
                groupStateValue[state.Name] = id;
            }
            return new Temp(id, state.Type);
        }

        /// <summary>Reads of a per-row or per-column state after this step computed its new values read the new values.</summary>
        private Expr ReadNewRowState(Expr expr) => expr switch
        {
            Variable { Role: VariableRole.State } state when rowStateReady.ContainsKey(state.Name) => new NewState(state.Name, state.Type),
            _ => Contraction.Rebuild(expr, ReadNewRowState),
        };

        /// <summary>Replaces each maximal step-uniform subtree of a per-element expression by a value computed once.</summary>
        private Expr HoistUniformParts(Expr expr) =>
            expr.Type.IsUniform ? Hoist(expr) : Contraction.Rebuild(expr, HoistUniformParts);

        private Expr Hoist(Expr uniform)
        {
            // Constants are hoisted too: the loops read them as named values of the element type, like any other. A group
            // value is a double the group passes in: the tensor rounds it to its element type once, as any other.
            if (uniform is Literal { Type.IsBoolean: true } or Variable { Role: VariableRole.Local, Type.IsBoolean: true }) return uniform;
            if (uniform is Temp existing && (existing.Type.IsBoolean || !temps[existing.Id].IsGroupLevel)) return uniform;
            // The value read from a per-tensor state depends on how often it has been assigned before this point.
            string versions = string.Join(",", StatesRead(uniform).Select(s => s + "@" + (stateVersion.TryGetValue(s, out int v) ? v : 0)));
            if (!hoisted.TryGetValue((uniform, versions), out int id))
            {
                int segment = SegmentOf(uniform);
                NoteReads(uniform, segment);
                var type = new IrType(uniform.Type.IsBoolean ? Scalar.Bool : Scalar.Element, uniform.Type.Space);
                id = AddTemp(TempKind.Hoisted, uniform, type, segment, PartOf(uniform));
                hoisted.Add((uniform, versions), id);
                host.Add(new ScheduledHost(position, temps[id].Part, segment, new HostTemp(id)));
            }
            return new Temp(id, temps[id].Type);
        }

        private int AddTemp(TempKind kind, Expr definition, IrType type, int segment, int part = 1)
        {
            temps.Add(new TempValue(temps.Count, kind, definition, type, segment, part));
            return temps.Count - 1;
        }

        /// <summary>The segment within a part from which a uniform (or per-row) expression can be evaluated; group values are known from its start.</summary>
        private int SegmentOf(Expr expr)
        {
            int segment = 0;
            IrWalker.Visit(expr, e =>
            {
                int known = e switch
                {
                    Temp temp when temps[temp.Id].IsGroupLevel => 0,
                    Temp temp => temps[temp.Id].Segment,
                    MatrixTemp temp => temps[temp.Id].Segment,
                    MatrixVariable matrix => matrixSegment.TryGetValue(matrix.Name, out var m) ? m.Segment : 0,
                    NewState state => rowStateReady[state.Name].Segment,
                    Variable { Role: VariableRole.Local or VariableRole.State } variable when uniformSegment.TryGetValue(variable.Name, out int s) => s,
                    _ => 0,
                };
                segment = System.Math.Max(segment, known);
            });
            return segment;
        }

        /// <summary>The first part that can evaluate an expression: the one after the last group segment it reads from.</summary>
        private int PartOf(Expr expr)
        {
            int part = 1;
            IrWalker.Visit(expr, e =>
            {
                int known = e switch
                {
                    Temp temp when temps[temp.Id].IsGroupLevel => temps[temp.Id].Segment + 1,
                    Temp temp => temps[temp.Id].Part,
                    MatrixTemp temp => temps[temp.Id].Part,
                    MatrixVariable matrix => matrixSegment.TryGetValue(matrix.Name, out var m) ? m.Part : 1,
                    NewState state => rowStateReady[state.Name].Part,
                    Variable { Role: VariableRole.Local } local when groupLocalSegment.TryGetValue(local.Name, out int g) => g + 1,
                    Variable { Role: VariableRole.Local or VariableRole.State } variable when uniformPart.TryGetValue(variable.Name, out int p) => p,
                    _ => 1,
                };
                part = System.Math.Max(part, known);
            });
            return part;
        }

        /// <summary>The group segment from which a group-wide expression can be evaluated.</summary>
        private int GroupSegmentOf(Expr expr)
        {
            int segment = 0;
            IrWalker.Visit(expr, e =>
            {
                int known = e switch
                {
                    Temp temp when temps[temp.Id].IsGroupLevel => temps[temp.Id].Segment,
                    Variable { Role: VariableRole.Local } local when groupLocalSegment.TryGetValue(local.Name, out int g) => g,
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

        private static int GuardSegment(List<EnclosingIf> guards) => guards.Count == 0 ? 0 : guards.Max(g => g.Segment);

        private static int GuardPart(List<EnclosingIf> guards) => guards.Count == 0 ? 1 : guards.Max(g => g.Part);

        private static Expr? Guard(List<EnclosingIf> guards) => And(guards.Select(g => g.Condition));

        /// <summary>The enclosing conditions as the group's code evaluates them (the lowering allows only group-wide ones around group values).</summary>
        private static Expr? GroupGuard(List<EnclosingIf> guards) =>
            guards.Any(g => g.GroupCondition is null) ? null : And(guards.Select(g => g.GroupCondition!));

        private static Expr? And(IEnumerable<Expr> conditions)
        {
            var list = conditions.ToList();
            return list.Count == 0 ? null : list.Aggregate((a, b) => new Binary(BinaryOp.And, a, b, IrType.Bool.In(IrType.Join(a.Type.Space, b.Type.Space))));
        }

        private static Expr Negate(Expr condition) => new Unary(UnaryOp.Not, condition, condition.Type);

        // ---- Building the plan ----

        private KernelPlan Build(List<Node> tree)
        {
            int parts = 1;
            PartSlicer.ForEachNode(tree, node => parts = System.Math.Max(parts, node.Part));
            foreach (var item in host) parts = System.Math.Max(parts, item.Part);
            foreach (var temp in temps.Where(t => t.Kind == TempKind.GroupReduction)) parts = System.Math.Max(parts, temp.Segment);

            var slicer = new PartSlicer(temps, tree, host);
            var tensorParts = new List<TensorPart>();
            for (int part = 1; part <= parts; part++) tensorParts.Add(slicer.Build(part, final: part == parts));

            bool groupWide = model.States.Any(s => s.Space == Space.Group) || temps.Any(t => t.Kind == TempKind.GroupReduction);
            bool rowsAndColumns = model.States.Any(s => s.Space is Space.Row or Space.Column)
                || temps.Any(t => t.Type.Space is Space.Row or Space.Column);
            return new KernelPlan(model, temps.ToEquatableArray(), tensorParts.ToEquatableArray(),
                groupWide ? GroupSegments(tensorParts) : EquatableArray<HostSegment>.Empty,
                AllocationPlanner.Plan(model), rowsAndColumns, groupWide,
                groupStateValue.Where(v => !temps[v.Value].IsStoredGroupState).OrderBy(v => v.Key, System.StringComparer.Ordinal)
                    .Select(v => new GroupCommit(v.Key, v.Value)).ToEquatableArray());
        }

        /// <summary>
        /// The group's host code, segment by segment: group-wide locals and new group state values, and before them, in
        /// segment 0, the step-uniform locals they read (computed again here: the tensors' code computes its own).
        /// </summary>
        private EquatableArray<HostSegment> GroupSegments(IReadOnlyList<TensorPart> parts)
        {
            var needed = new HashSet<string>();
            void Note(Expr? expr)
            {
                if (expr is null) return;
                IrWalker.Visit(expr, e =>
                {
                    if (e is Variable { Role: VariableRole.Local } local && stepLocals.TryGetValue(local.Name, out var step) && needed.Add(local.Name))
                        Note(step.Declaration.Value);
                });
            }
            foreach (var (_, _, item) in groupHost)
            {
                if (item is HostAssign assign) Note(assign.Statement.Value);
                if (item is GroupStateAssign stateAssign) Note(temps[stateAssign.TempId].Definition);
            }
            foreach (var part in parts) Note(part.Guard);

            var items = groupHost
                .Concat(stepLocals.Where(s => needed.Contains(s.Key)).Select(s => (s.Value.Position, 0, (HostItem)new HostAssign(s.Value.Declaration, null))))
                .ToList();
            return Enumerable.Range(0, parts.Count + 1)
                .Select(s => new HostSegment(items.Where(i => i.Item2 == s).OrderBy(i => i.Position).Select(i => i.Item3).ToEquatableArray()))
                .ToEquatableArray();
        }
    }
}
