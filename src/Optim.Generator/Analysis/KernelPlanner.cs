using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ScratchOptim.Generator.Model;

namespace ScratchOptim.Generator.Analysis
{
    /// <summary>
    /// Splits an update into its once-per-step part and its per-element loop. Step-uniform values that meet
    /// per-element ones are hoisted out of the loop and rounded to float once (PyTorch rounds a Python scalar where
    /// it meets a tensor); uniform conditions are evaluated once; multiply-adds are contracted unless the
    /// declaration is strict.
    /// </summary>
    internal sealed class KernelPlanner
    {
        /// <summary>Names the emitted kernel uses for itself; user names never take them.</summary>
        internal static readonly string[] KernelNames = { "hyper", "length", "i", "lastVector", "state", "parameter", "gradient" };

        /// <summary>The members of <c>ElementMath</c>, which every generated file imports: nothing of the user's may hide them.</summary>
        internal static readonly string[] ElementMathNames =
        {
            "HasVectorHardware", "Lanes", "ElementAt", "LoadVector", "StoreVector", "Broadcast", "Fma", "Sqrt", "Abs", "Min", "Max",
            "Sign", "Select", "Mask", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal", "NotEqual", "Exp", "Log", "Pow", "Lerp",
        };

        private readonly OptimizerModel model;
        private readonly Namer namer;
        private readonly Dictionary<(Expr, ValueKind, int), HoistedValue> hoisted = new Dictionary<(Expr, ValueKind, int), HoistedValue>();
        private int segment;
        private readonly List<HoistedValue> hoistedInOrder = new List<HoistedValue>();

        private KernelPlanner(OptimizerModel model)
        {
            this.model = model;
            var reserved = new List<string>(KernelNames);
            reserved.AddRange(ElementMathNames);
            reserved.AddRange(model.States.Select(s => s.Name));
            reserved.AddRange(new[] { model.Signature.Param, model.Signature.Grad, model.Signature.Step });
            IrWalker.Visit(model.Body, stmt =>
            {
                if (stmt is Assign { Declares: true } declaration) reserved.Add(declaration.Target.Name);
            }, _ => { });
            namer = new Namer(reserved);
        }

        public static KernelPlan Plan(OptimizerModel model, CancellationToken cancellationToken)
        {
            var planner = new KernelPlanner(model);
            var prologue = new List<UniformStatement>();
            var loop = new List<Stmt>();
            foreach (var statement in model.Body)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (statement is Assign assign && assign.Target.Kind.IsUniform())
                {
                    prologue.Add(new UniformStatement(assign, planner.segment));
                    if (!assign.Declares) planner.segment++; // per-tensor state changed: later reads see the new value
                }
                else
                {
                    loop.AddRange(planner.PlanStatements(new[] { statement }.ToEquatableArray(), cancellationToken));
                }
            }
            var states = planner.PlanStates();
            bool writesParam = false;
            IrWalker.Visit(loop.ToEquatableArray(), stmt => writesParam |= stmt is Assign { Target.Role: VariableRole.Param }, _ => { });
            string paramRef = planner.namer.Claim(model.Signature.Param + "Ref");
            string gradRef = planner.namer.Claim(model.Signature.Grad + "Ref");
            return new KernelPlan(model, prologue.ToEquatableArray(), planner.hoistedInOrder.ToEquatableArray(), loop.ToEquatableArray(), states, writesParam, paramRef, gradRef);
        }

        private EquatableArray<Stmt> PlanStatements(EquatableArray<Stmt> statements, CancellationToken cancellationToken)
        {
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (statement)
                {
                    case Assign assign:
                        output.Add(assign with
                        {
                            Value = assign.Value is null ? null : PlanElement(assign.Value),
                            Source = EquationRenderer.Text(assign),
                        });
                        break;
                    case If branch:
                        var then = PlanStatements(branch.Then, cancellationToken);
                        var otherwise = PlanStatements(branch.Else, cancellationToken);
                        if (then.Count > 0 || otherwise.Count > 0)
                            output.Add(new If(Hoist(branch.Condition), then, otherwise));
                        break;
                }
            }
            return output.ToEquatableArray();
        }

        private Expr PlanElement(Expr value)
        {
            var contracted = model.Strict ? value : Contraction.Fuse(value);
            return HoistUniformParts(Contraction.ScalarDivision(contracted));
        }

        /// <summary>Replaces each maximal step-uniform subtree of a per-element expression by a hoisted value.</summary>
        private Expr HoistUniformParts(Expr expr) =>
            expr.Kind.IsUniform() ? Hoist(expr) : Contraction.Rebuild(expr, HoistUniformParts);

        private Expr Hoist(Expr uniform)
        {
            if (uniform is Literal) return uniform;
            var kind = uniform.Kind == ValueKind.Bool ? ValueKind.Bool : ValueKind.Element;
            // A value that reads per-tensor state is a different value after the state changes.
            var key = (uniform, kind, ReadsPerTensorState(uniform) ? segment : 0);
            if (!hoisted.TryGetValue(key, out var value))
            {
                string name = namer.For(uniform, kind);
                value = new HoistedValue(name, uniform, kind, kind == ValueKind.Element ? namer.Claim(name + "Vec") : null, segment);
                hoisted.Add(key, value);
                hoistedInOrder.Add(value);
            }
            return new Hoisted(value.Name, kind);
        }

        private EquatableArray<StateUse> PlanStates()
        {
            var paths = new Dictionary<string, List<List<Expr>>>();
            var written = new HashSet<string>();
            CollectStatePaths(model.Body, new List<Expr>(), paths, written);

            var uses = new List<StateUse>();
            foreach (var state in model.States)
            {
                if (state.PerTensor)
                {
                    uses.Add(new StateUse(state.Name, written.Contains(state.Name), null, null, state.Name));
                    continue;
                }
                Expr? allocation = paths.TryGetValue(state.Name, out var statePaths) ? AllocationCondition(statePaths) : null;
                string? guard = allocation is null ? null : ((Hoisted)Hoist(allocation)).Name;
                uses.Add(new StateUse(state.Name, written.Contains(state.Name), allocation, guard, namer.Claim(state.Name + "Ref")));
            }
            return uses.ToEquatableArray();
        }

        private static void CollectStatePaths(EquatableArray<Stmt> statements, List<Expr> path, Dictionary<string, List<List<Expr>>> paths, HashSet<string> written)
        {
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case Assign assign:
                        if (assign.Target.Role == VariableRole.State)
                        {
                            written.Add(assign.Target.Name);
                            AddPath(assign.Target.Name, path, paths);
                        }
                        if (assign.Value is not null)
                        {
                            IrWalker.Visit(assign.Value, expr =>
                            {
                                if (expr is Variable { Role: VariableRole.State } state) AddPath(state.Name, path, paths);
                            });
                        }
                        break;
                    case If branch:
                        CollectStatePaths(branch.Then, new List<Expr>(path) { branch.Condition }, paths, written);
                        CollectStatePaths(branch.Else, new List<Expr>(path) { new Unary(UnaryOp.Not, branch.Condition, ValueKind.Bool) }, paths, written);
                        break;
                }
            }
        }

        private static void AddPath(string state, List<Expr> path, Dictionary<string, List<List<Expr>>> paths)
        {
            if (!paths.TryGetValue(state, out var list)) paths[state] = list = new List<List<Expr>>();
            list.Add(path);
        }

        /// <summary>
        /// The disjunction, over the branches that use a state, of their conditions. Conditions that depend on anything
        /// but hyperparameters (the step count, locals) are taken as true: the buffer is allocated whenever such a
        /// branch might run, so it exists before its first use.
        /// </summary>
        private static Expr? AllocationCondition(List<List<Expr>> paths)
        {
            var conjunctions = paths.Select(path => path.Where(DependsOnHypersOnly).Distinct().ToList()).ToList();
            if (conjunctions.Any(c => c.Count == 0)) return null;

            // Absorption: a branch whose conditions include all of another's adds nothing (a || a && b == a).
            var minimal = conjunctions
                .Where((c, i) => !conjunctions.Where((other, j) => j != i && IsSubset(other, c) && (other.Count < c.Count || j < i)).Any())
                .Select(c => c.Skip(1).Aggregate(c[0], (a, b) => new Binary(BinaryOp.And, a, b, ValueKind.Bool)))
                .ToList();
            return minimal.Skip(1).Aggregate(minimal[0], (a, b) => new Binary(BinaryOp.Or, a, b, ValueKind.Bool));
        }

        private static bool IsSubset(List<Expr> subset, List<Expr> set) => subset.All(set.Contains);

        private static bool ReadsPerTensorState(Expr expr)
        {
            bool reads = false;
            IrWalker.Visit(expr, e => reads |= e is Variable { Role: VariableRole.State, Kind: ValueKind.Float });
            return reads;
        }

        private static bool DependsOnHypersOnly(Expr condition)
        {
            bool onlyHypers = true;
            IrWalker.Visit(condition, expr => onlyHypers &= expr is not Variable || expr is Variable { Role: VariableRole.Hyper });
            return onlyHypers;
        }
    }
}
