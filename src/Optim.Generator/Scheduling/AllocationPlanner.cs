using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// Decides when each state needs memory: on the first step on which a branch that uses it can run. A branch's
    /// condition counts when it depends only on hyperparameters and the tensor's shape (known before the step), directly
    /// or through step-uniform locals computed from them; any other condition is taken as possibly true. A parameter
    /// group's state is always allocated.
    /// </summary>
    internal static class AllocationPlanner
    {
        public static EquatableArray<StatePlan> Plan(OptimizerModel model)
        {
            var definitions = Definitions(model);

            var paths = new Dictionary<string, List<List<Expr>>>();
            var written = new HashSet<string>();
            CollectStatePaths(model.Body, new List<Expr>(), paths, written, definitions);
            return model.States
                .Select(state => new StatePlan(
                    state.Name,
                    // A group's state is allocated on the group's first step: no tensor's shape may decide it.
                    state.Space != Space.Group && paths.TryGetValue(state.Name, out var statePaths) ? Condition(statePaths) : null,
                    written.Contains(state.Name)))
                .ToEquatableArray();
        }

        /// <summary>
        /// The condition, known before the step, under which code inside ifs of <paramref name="conditions"/> (as declared)
        /// can run, by the rule of a state's allocation; null when it can run with any settings.
        /// </summary>
        public static Expr? WhenPossible(IEnumerable<Expr> conditions, OptimizerModel model)
        {
            var definitions = Definitions(model);
            return Condition(new List<List<Expr>> { conditions.Select(c => Known(c, definitions)).ToList() });
        }

        /// <summary>
        /// <paramref name="value"/> as allocation conditions are written: over hyperparameters and the tensor's shape alone,
        /// the step-uniform locals it reads replaced by their values; null when it reads anything else.
        /// </summary>
        public static Expr? KnownBeforeStep(Expr value, OptimizerModel model)
        {
            var known = Known(value, Definitions(model));
            return IsKnownBeforeStep(known) ? known : null;
        }

        /// <summary>The top-level step-uniform locals and their values, which conditions are read through.</summary>
        private static Dictionary<string, Expr> Definitions(OptimizerModel model)
        {
            var definitions = new Dictionary<string, Expr>();
            foreach (var statement in model.Body)
            {
                if (statement is Assign { Declares: true, Value: { } value } local && local.Target.Type.IsUniform)
                    definitions[local.Target.Name] = value;
            }
            return definitions;
        }

        private static void CollectStatePaths(EquatableArray<Stmt> statements, List<Expr> path, Dictionary<string, List<List<Expr>>> paths,
            HashSet<string> written, Dictionary<string, Expr> definitions)
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
                        if (assign.Value is not null) CollectReads(assign.Value, path, paths, definitions);
                        break;
                    case MatrixAssign matrix:
                        if (matrix.Target.Role == VariableRole.State)
                        {
                            written.Add(matrix.Target.Name);
                            AddPath(matrix.Target.Name, path, paths);
                        }
                        CollectReads(matrix.Value, path, paths, definitions);
                        break;
                    case If branch:
                        var condition = Known(branch.Condition, definitions);
                        CollectStatePaths(branch.Then, new List<Expr>(path) { condition }, paths, written, definitions);
                        CollectStatePaths(branch.Else, new List<Expr>(path) { new Unary(UnaryOp.Not, condition, condition.Type) }, paths, written, definitions);
                        break;
                }
            }
        }

        /// <summary>The states an expression reads, each under the conditions of the <c>?:</c> branches it is read in.</summary>
        private static void CollectReads(Expr expr, List<Expr> path, Dictionary<string, List<List<Expr>>> paths, Dictionary<string, Expr> definitions)
        {
            switch (expr)
            {
                case Variable { Role: VariableRole.State } state:
                    AddPath(state.Name, path, paths);
                    break;
                case MatrixVariable { Role: VariableRole.State } matrix:
                    AddPath(matrix.Name, path, paths);
                    break;
                case Conditional { Condition.Type.IsUniform: true } choice:
                    var condition = Known(choice.Condition, definitions);
                    CollectReads(choice.Condition, path, paths, definitions);
                    CollectReads(choice.WhenTrue, new List<Expr>(path) { condition }, paths, definitions);
                    CollectReads(choice.WhenFalse, new List<Expr>(path) { new Unary(UnaryOp.Not, condition, condition.Type) }, paths, definitions);
                    break;
                default:
                    foreach (var child in IrWalker.Children(expr)) CollectReads(child, path, paths, definitions);
                    break;
            }
        }

        /// <summary>The condition with locals computed from hyperparameters and the shape replaced by their definitions.</summary>
        private static Expr Known(Expr condition, Dictionary<string, Expr> definitions) => condition switch
        {
            Variable { Role: VariableRole.Local } local when definitions.TryGetValue(local.Name, out var value) && IsKnownBeforeStep(Known(value, definitions)) =>
                Known(value, definitions),
            _ => Contraction.Rebuild(condition, c => Known(c, definitions)),
        };

        private static void AddPath(string state, List<Expr> path, Dictionary<string, List<List<Expr>>> paths)
        {
            if (!paths.TryGetValue(state, out var list)) paths[state] = list = new List<List<Expr>>();
            list.Add(path);
        }

        /// <summary>
        /// The disjunction, over the branches that use a state, of their conditions. Conditions not known before the step
        /// (they read the step count, state or reductions) are taken as true: the buffer is allocated whenever such a
        /// branch might run, so it exists before its first use.
        /// </summary>
        private static Expr? Condition(List<List<Expr>> paths)
        {
            var conjunctions = paths.Select(path => path.Where(IsKnownBeforeStep).Distinct().ToList()).ToList();
            if (conjunctions.Any(c => c.Count == 0)) return null;
            // Used where a condition holds and where it fails (an if and its else): always.
            var single = conjunctions.Where(c => c.Count == 1).Select(c => c[0]).ToList();
            if (single.Any(c => single.Contains(new Unary(UnaryOp.Not, c, c.Type)))) return null;

            // Absorption: a branch whose conditions include all of another's adds nothing (a || a && b == a).
            var minimal = conjunctions
                .Where((c, i) => !conjunctions.Where((other, j) => j != i && other.All(c.Contains) && (other.Count < c.Count || j < i)).Any())
                .Select(c => c.Skip(1).Aggregate(c[0], (a, b) => new Binary(BinaryOp.And, a, b, IrType.Bool.In(IrType.Join(a.Type.Space, b.Type.Space)))))
                .ToList();
            return minimal.Skip(1).Aggregate(minimal[0], (a, b) => new Binary(BinaryOp.Or, a, b, IrType.Bool.In(IrType.Join(a.Type.Space, b.Type.Space))));
        }

        /// <summary>Whether a condition reads only hyperparameters, constants and the tensor's shape.</summary>
        private static bool IsKnownBeforeStep(Expr condition) => condition switch
        {
            Variable variable => variable.Role == VariableRole.Hyper,
            Call call when Operators.Get(call.Operator).Kind == OperatorKind.Shape => true,
            Call call when Operators.Get(call.Operator).IsReduction => false,
            Literal or EnumValue => true,
            Temp or NewState => false,
            _ => IrWalker.Children(condition).All(IsKnownBeforeStep),
        };
    }
}
