using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// Builds each pass over a tensor (<see cref="TensorPart"/>) from the scheduled update. The final part runs every
    /// statement, as a step of an element-wise optimizer does; an earlier part is a slice: only what the group sums it
    /// accumulates need, found backwards from them through the values they read, and nothing is stored.
    /// </summary>
    internal sealed class PartSlicer
    {
        private readonly IReadOnlyList<TempValue> temps;
        private readonly List<Scheduler.Node> tree;
        private readonly IReadOnlyList<Scheduler.ScheduledHost> host;

        public PartSlicer(IReadOnlyList<TempValue> temps, List<Scheduler.Node> tree, IReadOnlyList<Scheduler.ScheduledHost> host)
        {
            this.temps = temps;
            this.tree = tree;
            this.host = host;
        }

        public TensorPart Build(int part, bool final) => final ? BuildFinal(part) : BuildSlice(part);

        /// <summary>
        /// The last part: every element statement and every host item, the reductions they read, and the group sums
        /// accumulated in this part (not those of earlier parts, whose results it reads).
        /// </summary>
        private TensorPart BuildFinal(int part)
        {
            // Reductions nothing in this part reads (only an earlier part's group sums) are left out.
            var used = new HashSet<int>();
            var roots = new List<Expr?>();
            ForEachNode(tree, node =>
            {
                if (node.Statement is ElementAssign assign) roots.Add(assign.Scheduled.Value);
                if (node.Statement is Accumulate accumulate && temps[accumulate.TempId].Kind == TempKind.GroupReduction && temps[accumulate.TempId].Segment == part)
                    roots.Add(accumulate.Value);
                roots.Add(node.Condition);
            });
            foreach (var item in host)
            {
                switch (item.Item)
                {
                    case HostAssign assign:
                        roots.Add(assign.Statement.Value);
                        break;
                    case HostRowAssign rowAssign:
                        roots.Add(rowAssign.Statement.Value);
                        break;
                    case HostGroupAccumulate accumulate when temps[accumulate.TempId].Segment == part:
                        roots.Add(accumulate.Value);
                        break;
                    case HostMatrix matrix:
                        roots.Add(temps[matrix.Id].Definition);
                        break;
                    case HostMatrixAssign matrixAssign:
                        roots.Add(matrixAssign.Statement.Value);
                        break;
                }
                if (item.Item is HostAssign or HostRowAssign or HostMatrix or HostMatrixAssign || item.Item is HostGroupAccumulate { } sum && temps[sum.TempId].Segment == part) roots.Add(item.Item.Guard);
            }
            foreach (var root in roots) NoteTemps(root, used);

            bool Accumulates(PhaseOutput output) => temps[output.TempId].Kind == TempKind.GroupReduction
                ? temps[output.TempId].Segment == part
                : used.Contains(output.TempId);

            int phases = 1;
            ForEachNode(tree, node => phases = System.Math.Max(phases, node.Statement is PhaseOutput output
                ? (Accumulates(output) ? node.AccumulatePhase : 1)
                : node.Ready));

            var elementPhases = new List<ElementPhase>();
            for (int phase = 1; phase <= phases; phase++)
            {
                var body = phase == phases ? Select(tree, phase, Accumulates) : Slice(tree, phase, Accumulates);
                elementPhases.Add(new ElementPhase(phase, body, phase == phases));
            }

            var hostItems = host.Where(h => h.Item switch
            {
                HostGroupAccumulate accumulate => temps[accumulate.TempId].Segment == part,
                HostTemp temp when temps[temp.Id].Kind == TempKind.Reduction => used.Contains(temp.Id),
                _ => true,
            }).ToList();
            return Assemble(part, final: true, elementPhases, hostItems, guard: null);
        }

        /// <summary>An earlier part: the slice its group sums need, grown until it is closed under what it reads.</summary>
        private TensorPart BuildSlice(int part)
        {
            var accumulates = new HashSet<int>(temps.Where(t => t.Kind == TempKind.GroupReduction && t.Segment == part).Select(t => t.Id));
            var included = new HashSet<Scheduler.ScheduledHost>(host.Where(h => h.Item is HostGroupAccumulate accumulate && accumulates.Contains(accumulate.TempId)));
            List<ElementPhase> elementPhases;
            while (true)
            {
                int phases = 0;
                ForEachNode(tree, node =>
                {
                    if (node.Statement is PhaseOutput output && accumulates.Contains(output.TempId)) phases = System.Math.Max(phases, node.AccumulatePhase);
                });
                foreach (var item in included) phases = System.Math.Max(phases, item.Segment);
                elementPhases = Enumerable.Range(1, phases)
                    .Select(phase => new ElementPhase(phase, Slice(tree, phase, a => accumulates.Contains(a.TempId)), Final: false))
                    .ToList();

                // What the slice reads: temps (hoisted values, a tensor's reductions) and per-tensor locals and states.
                var neededTemps = new HashSet<int>();
                var neededNames = new HashSet<string>();
                foreach (var phase in elementPhases)
                    IrWalker.Visit(phase.Body, statement => NoteStatement(statement, neededTemps, neededNames), e => Note(e, neededTemps, neededNames));
                foreach (var item in included) NoteHostItem(item.Item, neededTemps, neededNames);

                bool grown = false;
                foreach (int id in neededTemps.Where(id => !temps[id].IsGroupLevel))
                {
                    if (temps[id].Kind is TempKind.Reduction or TempKind.Materialized) grown |= AccumulatedInPhase(id) && accumulates.Add(id);
                    foreach (var item in host.Where(h => h.Item is HostTemp temp && temp.Id == id || h.Item is HostMatrix matrix && matrix.Id == id)) grown |= included.Add(item);
                }
                foreach (var item in host.Where(h => h.Part <= part && Assigns(h.Item) is { } name && neededNames.Contains(name)))
                    grown |= included.Add(item);
                if (!grown) break;
            }

            var roots = host.Where(h => h.Item is HostGroupAccumulate accumulate && temps[accumulate.TempId].Segment == part).Select(h => h.GroupGuard).ToList();
            ForEachNode(tree, node =>
            {
                if (node.Statement is Accumulate accumulate && temps[accumulate.TempId].Kind == TempKind.GroupReduction && temps[accumulate.TempId].Segment == part)
                    roots.Add(node.GroupGuard);
            });
            // The part does something only where one of its sums' group-wide conditions holds.
            var guards = roots.Distinct().ToList();
            var guard = guards.Count == 0 || guards.Contains(null) ? null
                : guards.Skip(1).Aggregate(guards[0]!, (a, b) => new Binary(BinaryOp.Or, a, b!, IrType.Bool.In(IrType.Join(a.Type.Space, b!.Type.Space))));
            return Assemble(part, final: false, elementPhases, host.Where(included.Contains).ToList(), guard);
        }

        private TensorPart Assemble(int part, bool final, List<ElementPhase> elementPhases, List<Scheduler.ScheduledHost> hostItems, Expr? guard)
        {
            // Hoisted values nothing reads (the condition of an if whose branches hold nothing) are not computed at all.
            var used = UsedTemps(elementPhases, hostItems);
            var segments = Enumerable.Range(0, elementPhases.Count + 1)
                .Select(s => new HostSegment(hostItems
                    .Where(h => h.Segment == s && (h.Item is not HostTemp { } item || temps[item.Id].Kind != TempKind.Hoisted || used.Contains(item.Id)))
                    .OrderBy(h => h.Position)
                    .Select(h => h.Item)
                    .ToEquatableArray()))
                .ToList();

            // The group values the part reads, in the order it first reads them.
            var inputs = new List<Expr>();
            void NoteInput(Expr e)
            {
                bool groupValue = e is Temp temp && temps[temp.Id].IsGroupLevel || e is Variable { Role: VariableRole.Local, Type.Space: Space.Group };
                if (groupValue && !inputs.Contains(e)) inputs.Add(e);
            }
            void Visit(Expr? expr)
            {
                if (expr is null) return;
                IrWalker.Visit(expr, e =>
                {
                    NoteInput(e);
                    if (e is Temp temp && !temps[temp.Id].IsGroupLevel && temps[temp.Id].Kind == TempKind.Hoisted && used.Contains(temp.Id)) Visit(temps[temp.Id].Definition);
                });
            }
            foreach (var segment in segments)
            {
                foreach (var item in segment.Items)
                {
                    Visit(item.Guard);
                    switch (item)
                    {
                        case HostAssign assign:
                            Visit(assign.Statement.Value);
                            break;
                        case HostRowAssign rowAssign:
                            Visit(rowAssign.Statement.Value);
                            break;
                        case HostGroupAccumulate accumulate:
                            Visit(accumulate.Value);
                            break;
                        case HostTemp temp:
                            Visit(temps[temp.Id].Definition);
                            break;
                        case HostMatrix matrix:
                            Visit(temps[matrix.Id].Definition);
                            break;
                        case HostMatrixAssign matrixAssign:
                            Visit(matrixAssign.Statement.Value);
                            break;
                    }
                }
            }
            foreach (var phase in elementPhases)
            {
                IrWalker.Visit(phase.Body, statement =>
                {
                    if (statement is ElementAssign assign) Visit(assign.Scheduled.Value);
                    if (statement is PhaseOutput output) Visit(output.Value);
                }, Visit);
            }
            inputs.RemoveAll(e => e is Temp temp && temps[temp.Id].Kind == TempKind.GroupReduction && temps[temp.Id].Segment >= part);

            var sums = temps.Where(t => t.Kind == TempKind.GroupReduction && t.Segment == part).Select(t => t.Id).ToEquatableArray();
            return new TensorPart(part, segments.ToEquatableArray(), elementPhases.ToEquatableArray(), inputs.ToEquatableArray(), sums, guard, final);
        }

        private bool AccumulatedInPhase(int id)
        {
            bool found = false;
            ForEachNode(tree, node => found |= node.Statement is PhaseOutput output && output.TempId == id);
            return found;
        }

        /// <summary>The per-tensor local or state a host item assigns, or the per-row or per-column state whose new values it computes.</summary>
        private static string? Assigns(HostItem item) => item switch
        {
            HostAssign assign => assign.Statement.Target.Name,
            HostRowAssign rowAssign => rowAssign.Statement.Target.Name,
            HostMatrixAssign matrixAssign => matrixAssign.Statement.Target.Name,
            _ => null,
        };

        private void NoteHostItem(HostItem item, HashSet<int> neededTemps, HashSet<string> neededNames)
        {
            if (item.Guard is not null) IrWalker.Visit(item.Guard, e => Note(e, neededTemps, neededNames));
            var value = item switch
            {
                HostAssign assign => assign.Statement.Value,
                HostRowAssign rowAssign => rowAssign.Statement.Value,
                HostGroupAccumulate accumulate => accumulate.Value,
                HostTemp temp => temps[temp.Id].Definition,
                HostMatrix matrix => temps[matrix.Id].Definition,
                HostMatrixAssign matrixAssign => matrixAssign.Statement.Value,
                _ => null,
            };
            if (value is not null) IrWalker.Visit(value, e => Note(e, neededTemps, neededNames));
            // A guarded state assignment keeps the old value where its guard fails: the old value is read too.
            if (item is HostAssign { Statement: { Declares: false } statement }) neededNames.Add(statement.Target.Name);
        }

        private void NoteStatement(Stmt statement, HashSet<int> neededTemps, HashSet<string> neededNames)
        {
            if (statement is ElementAssign { Scheduled.Value: { } value }) IrWalker.Visit(value, e => Note(e, neededTemps, neededNames));
            if (statement is PhaseOutput output) IrWalker.Visit(output.Value, e => Note(e, neededTemps, neededNames));
        }

        private void Note(Expr e, HashSet<int> neededTemps, HashSet<string> neededNames)
        {
            switch (e)
            {
                case Temp temp when neededTemps.Add(temp.Id) && !temps[temp.Id].IsGroupLevel:
                    IrWalker.Visit(temps[temp.Id].Definition, inner => Note(inner, neededTemps, neededNames));
                    break;
                case MatrixTemp temp when neededTemps.Add(temp.Id):
                    IrWalker.Visit(temps[temp.Id].Definition, inner => Note(inner, neededTemps, neededNames));
                    break;
                case MatrixVariable { Role: VariableRole.Local or VariableRole.State } matrix:
                    neededNames.Add(matrix.Name);
                    break;
                case Variable { Role: VariableRole.Local or VariableRole.State, Type.IsUniform: true } variable when variable.Type.Space != Space.Group:
                    neededNames.Add(variable.Name);
                    break;
                case NewState state:
                    neededNames.Add(state.Name);
                    break;
            }
        }

        /// <summary>The temps the phases and the host items read, and those their definitions read in turn.</summary>
        private HashSet<int> UsedTemps(List<ElementPhase> phases, List<Scheduler.ScheduledHost> hostItems)
        {
            var used = new HashSet<int>();
            void Note(Expr? expr) => NoteTemps(expr, used);
            foreach (var phase in phases)
                IrWalker.Visit(phase.Body, statement =>
                {
                    if (statement is PhaseOutput output) Note(output.Value);
                    if (statement is ElementAssign assign) Note(assign.Scheduled.Value);
                }, Note);
            foreach (var item in hostItems.Select(h => h.Item))
            {
                Note(item.Guard);
                if (item is HostAssign assign) Note(assign.Statement.Value);
                if (item is HostRowAssign rowAssign) Note(rowAssign.Statement.Value);
                if (item is HostGroupAccumulate accumulate) Note(accumulate.Value);
                if (item is HostTemp { } hostTemp && temps[hostTemp.Id].Kind == TempKind.Reduction) Note(temps[hostTemp.Id].Definition);
                if (item is HostMatrix { } matrix) Note(temps[matrix.Id].Definition);
                if (item is HostMatrixAssign matrixAssign) Note(matrixAssign.Statement.Value);
            }
            return used;
        }

        /// <summary>Adds the tensor's temps <paramref name="expr"/> reads, and those their definitions read, to <paramref name="used"/>.</summary>
        private void NoteTemps(Expr? expr, HashSet<int> used)
        {
            if (expr is null) return;
            IrWalker.Visit(expr, e =>
            {
                if (e is Temp temp && !temps[temp.Id].IsGroupLevel && used.Add(temp.Id)) NoteTemps(temps[temp.Id].Definition, used);
                if (e is MatrixTemp matrix && used.Add(matrix.Id)) NoteTemps(temps[matrix.Id].Definition, used);
            });
        }

        /// <summary>The final phase: every element statement, and the reductions that accumulate in it.</summary>
        private static EquatableArray<Stmt> Select(List<Scheduler.Node> nodes, int phase, System.Func<PhaseOutput, bool> accumulates)
        {
            var output = new List<Stmt>();
            foreach (var node in nodes)
            {
                switch (node.Statement)
                {
                    case PhaseOutput phaseOutput when node.AccumulatePhase == phase && accumulates(phaseOutput):
                        output.Add(phaseOutput);
                        break;
                    case ElementAssign assign:
                        output.Add(assign);
                        break;
                    case null:
                        var then = Select(node.Then, phase, accumulates);
                        var otherwise = Select(node.Else, phase, accumulates);
                        if (then.Count > 0 || otherwise.Count > 0) output.Add(new If(node.Condition!, then, otherwise));
                        break;
                }
            }
            return output.ToEquatableArray();
        }

        /// <summary>
        /// An earlier phase: only the statements the chosen reductions of <paramref name="phase"/> need, found backwards
        /// from their accumulations through the element variables they read.
        /// </summary>
        private static EquatableArray<Stmt> Slice(List<Scheduler.Node> nodes, int phase, System.Func<PhaseOutput, bool> accumulates) =>
            Slice(nodes, phase, accumulates, new HashSet<string>(), new HashSet<string>());

        /// <param name="written">The variables the slice assigns so far: their declarations are kept even when their values are not needed.</param>
        private static EquatableArray<Stmt> Slice(List<Scheduler.Node> nodes, int phase, System.Func<PhaseOutput, bool> accumulates, HashSet<string> needed, HashSet<string> written)
        {
            var output = new List<Stmt>();
            for (int i = nodes.Count - 1; i >= 0; i--)
            {
                var node = nodes[i];
                switch (node.Statement)
                {
                    case PhaseOutput phaseOutput when node.AccumulatePhase == phase && accumulates(phaseOutput):
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
                        var then = Slice(node.Then, phase, accumulates, thenNeeded, written);
                        var otherwise = Slice(node.Else, phase, accumulates, elseNeeded, written);
                        needed.UnionWith(thenNeeded);
                        needed.UnionWith(elseNeeded);
                        if (then.Count > 0 || otherwise.Count > 0) output.Add(new If(node.Condition!, then, otherwise));
                        break;
                }
            }
            output.Reverse();
            return output.ToEquatableArray();
        }

        internal static void ForEachNode(List<Scheduler.Node> nodes, System.Action<Scheduler.Node> action)
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
