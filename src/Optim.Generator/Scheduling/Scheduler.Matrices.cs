using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// The schedule's matrix phases: work on whole matrices, in host code between element phases. An element expression
    /// used as a matrix is stored into one by the element phase where its value is known (a <see cref="Store"/>, like a
    /// reduction's accumulation); the matrix work that reads it runs in the host segment after that phase; an element
    /// statement that reads a matrix's elements runs in a phase after that. Matrix states and locals are versioned like
    /// per-tensor state: a new value waits for every reader of the old one, and readers see the value of their place in
    /// the update.
    /// </summary>
    internal sealed partial class Scheduler
    {
        /// <summary>The segment, and part, from which each matrix state's or local's current value is known (a state: 0 until assigned).</summary>
        private readonly Dictionary<string, (int Segment, int Part)> matrixSegment = new Dictionary<string, (int, int)>();

        /// <summary>The element variables the update assigns somewhere: a matrix of one of them is never read from its buffer as it is.</summary>
        private HashSet<string>? assignedElements;

        /// <summary>The conditions of the ifs around the statement being walked, as declared (negated in an else).</summary>
        private readonly List<Expr> declaredConditions = new List<Expr>();

        /// <summary>When the matrix work at this point of the update can run at all, known before the step.</summary>
        private Expr? Reserve() => AllocationPlanner.WhenPossible(declaredConditions, model);

        private void WalkMatrix(MatrixAssign assign, List<EnclosingIf> guards, List<Node> nodes)
        {
            var value = ScheduleMatrix(assign.Value, guards, nodes);
            string name = assign.Target.Name;
            int segment = System.Math.Max(SegmentOf(value), GuardSegment(guards));
            int part = System.Math.Max(PartOf(value), GuardPart(guards));
            // A new value waits until everything that read the old one has run.
            segment = System.Math.Max(segment, readerSegment.TryGetValue(name, out int readers) ? readers : 0);
            NoteMatrixReads(value, segment);
            readerSegment[name] = segment;
            matrixSegment[name] = (segment, part);
            host.Add(new ScheduledHost(position, part, segment, new HostMatrixAssign(assign with { Value = value }, Guard(guards), Reserve())));
        }

        /// <summary>
        /// A matrix expression with every element expression in it stored by an element phase (<see cref="MatrixTemp"/>),
        /// except a plain read of a buffer this step leaves as it is (the gradient, a state the update never assigns),
        /// which the matrix work reads in place.
        /// </summary>
        private MatrixExpr ScheduleMatrix(MatrixExpr matrix, List<EnclosingIf> guards, List<Node> nodes)
        {
            switch (matrix)
            {
                case AsMatrix { Element: Variable variable } when ReadInPlace(variable):
                    return matrix;
                case AsMatrix asMatrix:
                    return Materialize(asMatrix.Element, guards, nodes);
                case MatrixProduct product:
                    return new MatrixProduct(ScheduleMatrix(product.Left, guards, nodes), ScheduleMatrix(product.Right, guards, nodes));
                case MatrixCall call:
                    return new MatrixCall(call.Operator,
                        call.Matrices.Select(m => ScheduleMatrix(m, guards, nodes)).ToEquatableArray(),
                        call.Settings.Select(s => ScheduleUniform(s, guards, nodes)).ToEquatableArray(),
                        call.Shape);
                case MatrixMap map:
                    // The body is element-wise arithmetic: rounded and hoisted as an element phase's would be.
                    var rounded = Contraction.ScalarDivision(model.Strict ? Contraction.Desugar(map.Body) : Contraction.Fuse(Contraction.Desugar(map.Body)));
                    return new MatrixMap(HoistUniformParts(ReplaceReductions(rounded, guards, nodes)),
                        map.Operands.Select(m => ScheduleMatrix(m, guards, nodes)).ToEquatableArray(), map.Shape);
                default:
                    return matrix;
            }
        }

        /// <summary>Whether a matrix of <paramref name="variable"/> can be read from its buffer: nothing in the update writes it.</summary>
        private bool ReadInPlace(Variable variable)
        {
            if (assignedElements is null)
            {
                assignedElements = new HashSet<string>();
                IrWalker.Visit(model.Body, s =>
                {
                    if (s is Assign { Value: not null } assign && !assign.Target.Type.IsUniform) assignedElements.Add(assign.Target.Name);
                }, _ => { });
            }
            return variable.Role is VariableRole.Param or VariableRole.Grad or VariableRole.State && !assignedElements.Contains(variable.Name);
        }

        /// <summary>An element expression stored into a matrix by the first phase that can compute it, at this point of the update.</summary>
        private MatrixTemp Materialize(Expr element, List<EnclosingIf> guards, List<Node> nodes)
        {
            var node = new Node { Position = position };
            var value = ScheduleElement(element, guards, nodes, node);
            node.Ready = System.Math.Max(node.Ready, GuardSegment(guards) + 1);
            node.Part = System.Math.Max(node.Part, GuardPart(guards));
            node.AccumulatePhase = node.Ready;
            int id = AddTemp(TempKind.Materialized, new AsMatrix(value), IrType.Matrix, node.Ready, node.Part);
            node.Statement = new Store(id, value);
            nodes.Add(node);
            return new MatrixTemp(id, MatrixShape.Parameter);
        }

        /// <summary>
        /// Replaces each element read of a matrix by a temp: the matrix is computed in host code, at this point of the update
        /// (under the same ifs), and the phases after it read its elements.
        /// </summary>
        private Expr ReplaceMatrixReads(Expr expr, List<EnclosingIf> guards, List<Node> nodes)
        {
            if (expr is not ElementOf read) return IrWalker.Rebuild(expr, e => ReplaceMatrixReads(e, guards, nodes));
            var matrix = ScheduleMatrix(read.Matrix, guards, nodes);
            int segment = System.Math.Max(SegmentOf(matrix), GuardSegment(guards));
            int part = System.Math.Max(PartOf(matrix), GuardPart(guards));
            NoteMatrixReads(matrix, segment);
            int id = AddTemp(TempKind.Matrix, matrix, IrType.Element, segment, part);
            host.Add(new ScheduledHost(position, part, segment, new HostMatrix(id, Guard(guards), Reserve())));
            return new Temp(id, IrType.Element);
        }

        /// <summary>Records that host code in <paramref name="segment"/> reads the matrix states and locals in <paramref name="matrix"/>.</summary>
        private void NoteMatrixReads(Expr matrix, int segment) => IrWalker.Visit(matrix, e =>
        {
            if (e is MatrixVariable variable)
                readerSegment[variable.Name] = System.Math.Max(readerSegment.TryGetValue(variable.Name, out int s) ? s : 0, segment);
        });
    }
}
