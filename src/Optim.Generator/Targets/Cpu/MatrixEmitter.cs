using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Docs;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// Writes a plan's matrix work for the CPU: calls of ScratchOptim.LinearAlgebra's <c>MatrixWorkspace&lt;T&gt;</c>
    /// (products on OpenBLAS, Newton–Schulz, eigendecomposition, QR) on row-major spans, and element-wise loops over
    /// whole matrices. Every matrix lives in a numbered slot of the workspace, allocated on the first step and reused, so
    /// the work allocates nothing after it. A product of a transpose passes the transpose to BLAS instead of computing it.
    /// </summary>
    internal sealed class MatrixEmitter
    {
        public const string WorkspaceType = "global::ScratchOptim.LinearAlgebra.MatrixWorkspace<T>";
        private const string Library = "global::ScratchOptim.LinearAlgebra.";
        private const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";

        private readonly CpuKernel kernel;
        private readonly CpuExpressions expressions;
        private readonly SourceWriter writer;

        /// <summary>The spans over buffers the matrix work reads in place (the gradient…), by variable.</summary>
        private readonly Dictionary<string, string> inPlace = new Dictionary<string, string>();

        /// <summary>The work matrix of each computed node of the matrix work (by identity: equal subtrees are computed twice), planned before any is written.</summary>
        private readonly Dictionary<MatrixExpr, (string Name, int Slot)> results = new Dictionary<MatrixExpr, (string, int)>(new ByIdentity());

        /// <summary>The work matrix of each Matrix local declared in a branch.</summary>
        private readonly Dictionary<string, int> localSlots = new Dictionary<string, int>();

        /// <summary>The shape of each Matrix local declared in a branch that has a slot of its own.</summary>
        private readonly Dictionary<string, MatrixShape> branchLocalShapes = new Dictionary<string, MatrixShape>();

        private int slots;
        private bool planned;

        /// <summary>The slot of each matrix the phases fill or read, by temp.</summary>
        private readonly List<(int Id, int Slot)> filled = new List<(int, int)>();

        /// <summary>The reservations of the matrix work inside ifs, by the condition under which it can run.</summary>
        private readonly List<(Expr? When, List<string> Calls)> reservations = new List<(Expr?, List<string>)>();

        public MatrixEmitter(CpuKernel kernel, SourceWriter writer)
        {
            this.kernel = kernel;
            expressions = kernel.Expressions;
            this.writer = writer;
        }

        private KernelPlan Plan => kernel.Plan;

        /// <summary>
        /// The matrices phases fill or read, each in its slot with a reference for the loops, and, in host code, spans over
        /// the buffers the matrix work reads in place and the reservations of the work inside ifs. Every piece of the
        /// kernel (host code, each phase) writes it: the slots are planned once, so each piece finds the same matrices.
        /// </summary>
        public void WriteSetUp(bool host)
        {
            PlanSlots();
            if (filled.Count > 0 || (host && inPlace.Count > 0))
            {
                writer.Line(host
                    ? "// The matrices of the matrix work (kept in the workspace), and the buffers it reads in place."
                    : "// The matrices this phase fills or reads, as host code made them.");
                foreach (var (id, slot) in filled)
                {
                    var buffer = kernel.Buffer(kernel.TempNames[id]);
                    var shape = ((MatrixExpr)Plan.Temps[id].Definition).Shape;
                    string span = SpanOf(id);
                    string make = host
                        ? "matrices.Matrix(" + Number(slot) + ", " + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ")"
                        : "matrices.ExistingMatrix(" + Number(slot) + ")";
                    // Only where the work that uses it can run (host code tells from the settings, a phase from the bool
                    // host code left): elsewhere an empty span, which no loop reads.
                    if (kernel.MatrixAllocations.TryGetValue(id, out var when))
                        make = (host ? expressions.Uniform(when) : kernel.Guards[kernel.TempNames[id]].Test) + " ? " + make + " : default";
                    writer.Line("var " + span + " = " + make + ";");
                    writer.Line("ref T " + buffer.RefName + " = ref " + MemoryMarshal + ".GetReference(" + span + ");");
                }
                if (host)
                    foreach (var entry in inPlace)
                        writer.Line("var " + entry.Value + " = " + MemoryMarshal + ".CreateSpan(ref " + kernel.Buffer(entry.Key).RefName + ", length);");
            }
            if (host && localSlots.Count > 0)
            {
                // Host code runs segment by segment, each a call of its own: a Matrix local declared in a branch is found in
                // its slot by every segment (as the branch that computed it this step left it).
                writer.Line("// The Matrix locals declared in branches, each in its own slot.");
                foreach (var entry in localSlots)
                {
                    string initial = branchLocalShapes[entry.Key] == MatrixShape.Parameter
                        ? "matrices.Matrix(" + Number(entry.Value) + ", rows, columns)"
                        : "matrices.ExistingMatrix(" + Number(entry.Value) + ")";
                    writer.Line("global::System.Span<T> " + CpuExpressions.Id(entry.Key) + " = " + initial + ";");
                }
            }
            if (!host || reservations.Count == 0) return;
            writer.Line("// The work matrices and solvers the matrix work needs with these settings: made on the first step, the same after.");
            foreach (var (when, calls) in reservations)
            {
                using (Guarded(when))
                    foreach (string call in calls) writer.Line(call);
            }
        }

        /// <summary>Gives every matrix the pieces share its slot, once: those phases fill or read, then the matrix work's.</summary>
        private void PlanSlots()
        {
            if (planned) return;
            planned = true;
            // A matrix the phases read is in a slot of its own, a Matrix local's value included (copied there where the
            // update reads it): a phase runs apart from the host code that computed it and finds it by its slot.
            foreach (var temp in Plan.Temps.Where(t => t.Kind is TempKind.Materialized or TempKind.Matrix))
                filled.Add((temp.Id, slots++));
            var items = Plan.AllHostItems().Where(i => i is HostMatrix or HostMatrixAssign).ToList();
            var readInPlace = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var item in items)
                IrWalker.Visit(Tree(item), e => { if (e is AsMatrix { Element: Variable variable }) readInPlace.Add(variable.Name); });
            foreach (string name in readInPlace) inPlace[name] = kernel.Namer.Claim(name + "Matrix");

            // What the work inside ifs asks for, planned now and made on the first step that can use it, so that no later
            // step allocates (a basis refreshed for the first time at step 11 included).
            foreach (var item in items)
            {
                var calls = new List<string>();
                PlanItem(item, calls);
                // Work outside every if runs on the first step anyway: it makes what it needs then.
                if (calls.Count == 0 || item.Guard is null) continue;
                var when = item is HostMatrix matrix ? matrix.Reserve : ((HostMatrixAssign)item).Reserve;
                int existing = reservations.FindIndex(r => Equals(r.When, when));
                if (existing < 0) reservations.Add((when, calls));
                else reservations[existing].Calls.AddRange(calls.Where(c => !reservations[existing].Calls.Contains(c)));
            }
        }

        private Expr Tree(HostItem item) => item is HostMatrix matrix ? Plan.Temps[matrix.Id].Definition : ((HostMatrixAssign)item).Statement.Value;

        /// <summary>Gives each node of an item's matrix work that needs a matrix its slot, and lists the reservations.</summary>
        private void PlanItem(HostItem item, List<string> calls)
        {
            switch (item)
            {
                case HostMatrix { Id: var id } when Plan.Temps[id].Definition is MatrixExpr matrix and not MatrixVariable:
                    PlanNode(matrix, into: true, calls);
                    break;
                case HostMatrixAssign { Statement: { Target.Role: VariableRole.State } assign }:
                    PlanNode(assign.Value, into: !ReadsBeyondElement(assign.Value, assign.Target.Name), calls);
                    break;
                case HostMatrixAssign { Statement: { Declares: true } assign, Guard: not null } when Computes(assign.Value):
                    // A local declared in a branch gets a matrix of its own, computed straight into.
                    localSlots[assign.Target.Name] = slots;
                    branchLocalShapes[assign.Target.Name] = assign.Target.Shape;
                    calls.Add(MatrixCall(Slot(), assign.Target.Shape));
                    PlanNode(assign.Value, into: true, calls);
                    break;
                case HostMatrixAssign { Statement: var assign }:
                    PlanNode(assign.Value, into: false, calls);
                    break;
            }
        }

        /// <summary>As <see cref="Compute"/> will compute the node: which of it needs a work matrix, and which solvers.</summary>
        private void PlanNode(MatrixExpr matrix, bool into, List<string> calls)
        {
            switch (matrix)
            {
                case MatrixProduct product:
                    PlanNode(Unwrapped(product.Left).Matrix, into: false, calls);
                    PlanNode(Unwrapped(product.Right).Matrix, into: false, calls);
                    break;
                case MatrixCall { Operator: "Flatten" or "Unflatten" } view:
                    PlanNode(view.Matrices[0], into: false, calls);
                    return;
                case MatrixCall call:
                    foreach (var argument in call.Matrices) PlanNode(argument, into: false, calls);
                    var shape = call.Matrices[0].Shape;
                    string? solver = call.Operator switch
                    {
                        "Orthogonalize" => "matrices.ReserveOrthogonalize(" + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ", " + Precision(call.Settings[6]) + ");",
                        "Eigenvectors" => "matrices.ReserveEigenvectors(" + Dimension(shape.Rows) + ");",
                        "QrBasis" => "matrices.ReserveQrBasis(" + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ");",
                        "EigenvalueOrder" => "matrices.ReserveEigenvalueOrder(" + Dimension(shape.Rows) + ");",
                        _ => null,
                    };
                    if (solver is not null) calls.Add(solver);
                    break;
                case MatrixMap map:
                    foreach (var operand in map.Operands) PlanNode(operand, into: false, calls);
                    break;
                default:
                    return; // a matrix that already is one: a state, a local, a stored temp, a buffer read in place
            }
            if (into) return;
            string stem = matrix switch
            {
                MatrixProduct => "product",
                MatrixMap => "elementwise",
                MatrixCall call => char.ToLowerInvariant(call.Operator[0]) + call.Operator.Substring(1),
                _ => "matrix",
            };
            results[matrix] = (kernel.Namer.Claim(stem), slots);
            calls.Add(MatrixCall(Slot(), matrix.Shape));
        }

        private static bool Computes(MatrixExpr matrix) => matrix is MatrixProduct or MatrixMap || matrix is MatrixCall { Operator: not ("Flatten" or "Unflatten") };

        private static string MatrixCall(string slot, MatrixShape shape) =>
            "matrices.Matrix(" + slot + ", " + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ");";

        /// <summary>A matrix the phases after it read element by element.</summary>
        public void WriteHostMatrix(HostMatrix item)
        {
            var temp = Plan.Temps[item.Id];
            var matrix = (MatrixExpr)temp.Definition;
            if (matrix is MatrixVariable local)
            {
                // The phases read the local's value of this point of the update, from the matrix's own slot.
                writer.Line(CpuExpressions.Id(local.Name) + ".CopyTo(" + SpanOf(item.Id) + ");");
                return;
            }
            writer.Line("// " + SpanOf(item.Id) + " = " + EquationRenderer.Text(matrix, kernel.TempName) + Where(matrix));
            using (Guarded(item.Guard)) Compute(matrix, SpanOf(item.Id));
        }

        /// <summary>A matrix state's new value (computed into its buffer), or a <c>Matrix</c> local's (the span it names).</summary>
        public void WriteHostMatrixAssign(HostMatrixAssign item)
        {
            var assign = item.Statement;
            string target = CpuExpressions.Id(assign.Target.Name);
            writer.Line("// " + EquationRenderer.Text(assign, kernel.TempName) + Where(assign.Value));
            if (assign.Target.Role == VariableRole.State)
            {
                using (Guarded(item.Guard))
                {
                    // Computed into the state's own memory, unless the computation still reads it after writing starts.
                    if (ReadsBeyondElement(assign.Value, assign.Target.Name))
                    {
                        string fresh = Compute(assign.Value, null);
                        writer.Line(fresh + ".CopyTo(" + target + ");");
                    }
                    else
                    {
                        Compute(assign.Value, target);
                    }
                }
                return;
            }
            if (assign.Declares && item.Guard is null)
            {
                string value = Compute(assign.Value, null);
                writer.Line("global::System.Span<T> " + target + " = " + value + ";");
                return;
            }
            if (assign.Declares)
            {
                // Declared in a branch: declared in the kernel's scope (with a slot of its own, by the set-up), and set
                // where the branch runs. One of the parameter's shape starts on its own matrix, so that the loops can always read it.
                if (!localSlots.ContainsKey(assign.Target.Name))
                {
                    string initial = assign.Target.Shape == MatrixShape.Parameter ? "matrices.Matrix(" + Slot() + ", rows, columns)" : "default";
                    writer.Line("global::System.Span<T> " + target + " = " + initial + ";");
                }
                using (Guarded(item.Guard))
                {
                    if (localSlots.TryGetValue(assign.Target.Name, out int slot))
                    {
                        writer.Line(target + " = matrices.Matrix(" + Number(slot) + ", " + Dimension(assign.Target.Shape.Rows) + ", " + Dimension(assign.Target.Shape.Columns) + ");");
                        Compute(assign.Value, target);
                    }
                    else
                    {
                        writer.Line(target + " = " + Compute(assign.Value, null) + ";");
                    }
                }
                return;
            }
            using (Guarded(item.Guard)) writer.Line(target + " = " + Compute(assign.Value, null) + ";");
        }

        /// <summary>Where the work runs and what it calls: a comment's ending naming the library's operations.</summary>
        private static string Where(MatrixExpr matrix)
        {
            var operations = new SortedSet<string>(System.StringComparer.Ordinal);
            IrWalker.Visit(matrix, e =>
            {
                switch (e)
                {
                    case MatrixProduct: operations.Add("products on OpenBLAS"); break;
                    case MatrixCall { Operator: "Orthogonalize" }: operations.Add("Newton–Schulz"); break;
                    case MatrixCall { Operator: "Eigenvectors" }: operations.Add("LAPACK's syevd"); break;
                    case MatrixCall { Operator: "QrBasis" }: operations.Add("LAPACK's QR"); break;
                    case MatrixCall { Operator: "EigenvalueOrder" }: operations.Add("a sort of estimated eigenvalues"); break;
                    case MatrixMap: operations.Add("a loop over its elements"); break;
                }
            });
            return operations.Count == 0 ? "" : " (" + string.Join(", ", operations) + ")";
        }

        private SourceWriter.Scope? Guarded(Expr? guard)
        {
            if (guard is null) return null;
            writer.Line("if (" + expressions.Uniform(guard) + ")");
            return writer.Block();
        }

        /// <summary>
        /// Writes what computes <paramref name="matrix"/> and returns the span that holds it: <paramref name="into"/> when
        /// given (the result is written there), otherwise a slot of the workspace, or the matrix's own span when it is one.
        /// </summary>
        private string Compute(MatrixExpr matrix, string? into)
        {
            switch (matrix)
            {
                case MatrixTemp temp:
                    return CopyInto(SpanOf(temp.Id), into);
                case AsMatrix { Element: Variable variable }:
                    return CopyInto(inPlace[variable.Name], into);
                case MatrixVariable variable:
                    return CopyInto(CpuExpressions.Id(variable.Name), into);
                case MatrixProduct product:
                    return Multiply(product, into);
                case MatrixCall call:
                    return Call(call, into);
                case MatrixMap map:
                    return Map(map, into);
                default:
                    throw new System.InvalidOperationException("Not a scheduled matrix expression: " + matrix);
            }
        }

        /// <summary>The span of a matrix temp: a stored one's is its name, a computed one's the whole matrix's name.</summary>
        private string SpanOf(int id) =>
            kernel.MatrixNames.TryGetValue(id, out var name) ? name : CpuExpressions.Id(kernel.TempNames[id]);

        private string CopyInto(string span, string? into)
        {
            if (into is null || into == span) return span;
            writer.Line(span + ".CopyTo(" + into + ");");
            return into;
        }

        /// <summary>A product on BLAS: a transposed operand is passed as stored, with the transpose flag.</summary>
        private string Multiply(MatrixProduct product, string? into)
        {
            var (left, transposeLeft) = Unwrapped(product.Left);
            var (right, transposeRight) = Unwrapped(product.Right);
            string leftSpan = Compute(left, null);
            string rightSpan = Compute(right, null);
            string result = into ?? Result(product);
            writer.Line("matrices.Multiply(" + Flag(transposeLeft) + ", " + Flag(transposeRight) + ", "
                + Dimension(product.Left.Shape.Rows) + ", " + Dimension(product.Right.Shape.Columns) + ", " + Dimension(product.Left.Shape.Columns) + ", "
                + leftSpan + ", " + rightSpan + ", " + result + ");");
            return result;
        }

        private static (MatrixExpr Matrix, bool Transposed) Unwrapped(MatrixExpr operand) =>
            operand is MatrixCall { Operator: "Transpose" } transpose ? (transpose.Matrices[0], true) : (operand, false);

        private static string Flag(bool transposed) => Library + "Transpose." + (transposed ? "Transposed" : "None");

        private string Call(MatrixCall call, string? into)
        {
            var arguments = call.Matrices.Select(m => Compute(m, null)).ToList();
            var shape = call.Matrices[0].Shape;
            // Flattened or not, the same elements in the same order: only the shape the declaration gives them changes.
            if (call.Operator is "Flatten" or "Unflatten") return CopyInto(arguments[0], into);
            string result = into ?? Result(call);
            string library = Operators.Get(call.Operator).Library!;
            var settings = call.Settings;
            switch (call.Operator)
            {
                case "Transpose":
                    writer.Line("matrices." + library + "(" + arguments[0] + ", " + result + ", " + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ");");
                    break;
                case "Orthogonalize":
                    writer.Line("matrices." + library + "(" + arguments[0] + ", " + result + ", " + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ",");
                    writer.Indent();
                    writer.Line(string.Join(", ", settings.Take(5).Select(expressions.Uniform)) + ",");
                    writer.Line(Normalization(settings[5]) + ", " + Precision(settings[6]) + ");");
                    writer.Outdent();
                    break;
                case "EigenvalueOrder":
                    writer.Line("matrices." + library + "(" + arguments[0] + ", " + arguments[1] + ", " + result + ", " + Dimension(shape.Rows) + ");");
                    break;
                case "QrBasis":
                    writer.Line("matrices." + library + "(" + arguments[0] + ", " + result + ", " + Dimension(shape.Rows) + ", " + Dimension(shape.Columns) + ");");
                    break;
                default:
                    writer.Line("matrices." + library + "(" + arguments[0] + ", " + result + ", " + Dimension(shape.Rows) + ");");
                    break;
            }
            return result;
        }

        /// <summary>An element-wise computation: a loop over the matrix's elements, rounded as the element phases round.</summary>
        private string Map(MatrixMap map, string? into)
        {
            var operands = map.Operands.Select(m => Compute(m, null)).ToList();
            string result = into ?? Result(map);
            var names = operands.Select(o => kernel.Namer.Claim(Stem(o) + "Element")).ToList();
            var body = Substitute(map.Body, names);
            writer.Line("for (int entry = 0; entry < " + result + ".Length; entry++)");
            using (writer.Block())
            {
                writer.Line("T " + string.Join(", ", names.Select((n, i) => n + " = " + operands[i] + "[entry]")) + ";");
                writer.Line(result + "[entry] = " + expressions.Scalar(body) + ";");
            }
            return result;
        }

        private static string Stem(string span) => span.TrimStart('@');

        private static Expr Substitute(Expr body, List<string> names) => body switch
        {
            MapOperand operand => new Variable(VariableRole.Local, names[operand.Index], IrType.Element),
            _ => IrWalker.Rebuild(body, e => Substitute(e, names)),
        };

        /// <summary>
        /// Whether computing <paramref name="matrix"/> straight into <paramref name="target"/> would overwrite what it still
        /// reads. Everything below the last operation is computed into slots first, and the library's solvers read their
        /// input before they write (an element-wise loop reads each element before writing it); only a product or a
        /// transpose of the target itself writes while it reads.
        /// </summary>
        private static bool ReadsBeyondElement(MatrixExpr matrix, string target) => matrix switch
        {
            MatrixProduct product => Is(Unwrapped(product.Left).Matrix, target) || Is(Unwrapped(product.Right).Matrix, target),
            MatrixCall { Operator: "Transpose" } transpose => Is(transpose.Matrices[0], target),
            _ => false,
        };

        private static bool Is(MatrixExpr matrix, string name) => matrix is MatrixVariable variable && variable.Name == name;

        /// <summary>The work matrix planned for a node, declared where it is computed (its memory was reserved up front).</summary>
        private string Result(MatrixExpr matrix)
        {
            var (name, slot) = results[matrix];
            writer.Line("var " + name + " = matrices.Matrix(" + Number(slot) + ", " + Dimension(matrix.Shape.Rows) + ", " + Dimension(matrix.Shape.Columns) + ");");
            return name;
        }

        private string Slot() => Number(slots++);

        private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Reference equality, for the nodes of the matrix work (records compare by value).</summary>
        private sealed class ByIdentity : IEqualityComparer<MatrixExpr>
        {
            public bool Equals(MatrixExpr? x, MatrixExpr? y) => ReferenceEquals(x, y);

            public int GetHashCode(MatrixExpr obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }

        private static string Dimension(Extent extent) => extent switch
        {
            Extent.Rows => "rows",
            Extent.Columns => "columns",
            Extent.One => "1",
            _ => "length",
        };

        private string Normalization(Expr setting) => setting is EnumValue value
            ? Library + "NewtonSchulzNormalization." + value.Member
            : "(" + expressions.Uniform(setting) + " == " + Dsl("MatrixNormalization.NormPlusEpsilon") + " ? "
                + Library + "NewtonSchulzNormalization.NormPlusEpsilon : " + Library + "NewtonSchulzNormalization.ClampedNorm)";

        /// <summary>The library's precision for the DSL's: <c>Element</c> is float64 for double parameters, float32 for float ones.</summary>
        private string Precision(Expr setting)
        {
            const string Element = "(typeof(T) == typeof(double) ? " + Library + "NewtonSchulzPrecision.Float64 : " + Library + "NewtonSchulzPrecision.Float32)";
            if (setting is EnumValue value)
                return value.Member == "Element" ? Element : Library + "NewtonSchulzPrecision." + value.Member;
            string chosen = expressions.Uniform(setting);
            return "(" + chosen + " == " + Dsl("MatrixPrecision.BFloat16") + " ? " + Library + "NewtonSchulzPrecision.BFloat16 : "
                + chosen + " == " + Dsl("MatrixPrecision.Float32") + " ? " + Library + "NewtonSchulzPrecision.Float32 : " + Element + ")";
        }

        private static string Dsl(string member) => "global::ScratchOptim.Dsl." + member;
    }
}
