using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Docs;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// Writes a part's kernel for the CPU (the step's, or one pass of a group-wide step's): a struct over the element
    /// type <c>T</c> whose <c>Host</c> method runs the host code in double precision, segment by segment, and whose
    /// <c>Phase1</c>, <c>Phase2</c>... run the element phases over any range of elements, generic over the vector type
    /// <c>TVector</c> (64 bytes of elements, as wide as the hardware's registers allow) and over <c>TPrefetch</c>
    /// (whether the data streams from memory), each as a vector body plus a scalar tail from the same statements. The
    /// struct's fields carry what host code computes to the phases; the runtime runs the pieces over threads.
    /// </summary>
    internal sealed class KernelEmitter
    {
        private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

        private readonly CpuKernel kernel;
        private readonly KernelPlan plan;
        private readonly TensorPart part;
        private readonly CpuExpressions expressions;
        private readonly SourceWriter writer;
        private readonly MatrixEmitter matrices;

        /// <summary>What host code computes and only its own segment reads: locals of that segment, not fields.</summary>
        private readonly HashSet<string> hostLocals;

        private KernelEmitter(CpuKernel kernel, TensorPart part, SourceWriter writer)
        {
            this.kernel = kernel;
            plan = kernel.Plan;
            this.part = part;
            expressions = kernel.Expressions;
            this.writer = writer;
            matrices = new MatrixEmitter(kernel, writer);
            hostLocals = HostLocals();
        }

        public static void Write(CpuKernel kernel, TensorPart part, SourceWriter writer, string generatedCode) => new KernelEmitter(kernel, part, writer).WriteKernel(generatedCode);

        private OptimizerModel Model => plan.Model;

        /// <summary>
        /// The arguments every piece of a part's kernel takes, in the order the callers pass them. Host code alone gets the
        /// group values the part reads, the per-tensor state (by reference, in the part that stores it: a part before it
        /// computes into copies of its own, its fields) and the group sums it adds to.
        /// </summary>
        public static IEnumerable<(string Type, string Name)> Parameters(CpuKernel kernel, TensorPart part, bool host)
        {
            var model = kernel.Plan.Model;
            if (host)
                foreach (var input in part.Inputs) yield return (CpuKernel.InputType(input), kernel.InputName(input));
            if (kernel.UsesShape) yield return ("global::System.ReadOnlySpan<int>", "shape");
            yield return ("int", "length");
            foreach (var buffer in kernel.Arguments) yield return ("ref T", buffer.RefName);
            if (host && part.Final)
                foreach (var state in kernel.TensorStates) yield return ("ref " + ScalarType(state.Scalar), CpuExpressions.Id(state.Name));
            foreach (var state in model.States.Where(s => s.Space == Space.Matrix)) yield return ("global::System.Span<T>", CpuExpressions.Id(state.Name));
            if (kernel.Workspace.Any()) yield return ("ref T", "workspace");
            if (kernel.UsesMatrices) yield return (MatrixEmitter.WorkspaceType, "matrices");
            if (host)
                foreach (int sum in part.GroupSums) yield return ("ref double", kernel.TempNames[sum]);
        }

        public static string ScalarType(Scalar scalar) => scalar switch
        {
            Scalar.Bool => "bool",
            Scalar.Int => "int",
            Scalar.Double => "double",
            Scalar.Float => "float",
            _ => "T",
        };

        private void WriteKernel(string generatedCode)
        {
            writer.Line("/// <summary>");
            if (kernel.IsProcedure)
                writer.Line("/// " + kernel.Name + " on one tensor, in pieces like the step's: <see cref=\"Host\"/>, once per tensor and in double");
            else if (plan.Parts.Count == 1)
                writer.Line("/// One step of one tensor, in the pieces the runtime schedules: <see cref=\"Host\"/>, once per tensor and in double");
            else
                writer.Line("/// Group phase " + part.Number + " of " + plan.Parts.Count + " on one tensor, in the pieces the runtime schedules: <see cref=\"Host\"/>, once per tensor and in double");
            writer.Line("/// precision, before and after " + (part.Phases.Count == 1 ? "the element phase, which runs" : "each of the " + part.Phases.Count + " element phases, which run") + " over any range of elements");
            writer.Line("/// " + (kernel.SplitsTensors ? "(whole blocks of <see cref=\"global::ScratchOptim.Reductions.BlockLength\"/>), on any thread."
                : "(here always the whole tensor: " + (plan.RowsAndColumns ? "the loops run row by row" : "its matrices are filled and read whole") + "), on any thread."));
            writer.Line("/// The fields carry what host code computes to the phases and to later host code." + (plan.Parts.Count == 1 ? ""
                : part.Final ? " With what the group's earlier phases gave, it alone stores the parameter and the state."
                : " It adds the tensor's share to the group's sums and stores nothing."));
            writer.Line("/// </summary>");
            writer.Line("/// <typeparam name=\"T\">The element type: float or double.</typeparam>");
            writer.Line(generatedCode);
            writer.Line((kernel.IsProcedure ? "internal" : "private") + " struct " + kernel.KernelName(part) + "<T>");
            writer.Indent();
            writer.Line("where T : unmanaged, global::System.Numerics.IBinaryFloatingPointIeee754<T>");
            writer.Outdent();
            using (writer.Block())
            {
                WriteFields();
                WriteHost();
                foreach (var phase in part.Phases)
                {
                    writer.Line();
                    WritePhaseMethod(phase);
                }
            }
        }

        /// <summary>
        /// What host code computes for the phases and for later host code, as fields (what only its own segment reads is a
        /// local there). A part before the last keeps copies of the per-tensor state too, which its host code updates
        /// without storing them.
        /// </summary>
        private void WriteFields()
        {
            var fields = Fields();
            if (fields.Count == 0) return;
            writer.Line("// What host code computes, for the phases and for later host code.");
            foreach (var (type, name) in fields) writer.Line("internal " + type + " " + name + ";");
            writer.Line();
        }

        private List<(string Type, string Name)> Fields()
        {
            var fields = new List<(string Type, string Name)>();
            if (!part.Final) fields.AddRange(kernel.TensorStates.Select(state => (ScalarType(state.Scalar), CpuExpressions.Id(state.Name))));
            fields.AddRange(GuardDefinitions().Select(guard => ("bool", guard.Key)));
            for (int segment = 0; segment < part.Segments.Count; segment++)
            {
                foreach (var item in part.Segments[segment].Items.Where(Emits))
                {
                    switch (item)
                    {
                        case HostAssign { Statement: { Declares: true } assign } when !hostLocals.Contains(CpuExpressions.Id(assign.Target.Name)):
                            fields.Add((ScalarType(assign.Target.Type.Scalar), CpuExpressions.Id(assign.Target.Name)));
                            break;
                        case HostTemp { Id: var id } when plan.Temps[id].Kind == TempKind.Hoisted:
                            if (!hostLocals.Contains(kernel.TempNames[id]) && !fields.Any(f => f.Name == kernel.TempNames[id]))
                                fields.Add((HoistedType(id), kernel.TempNames[id]));
                            break;
                        case HostTemp { Id: var id }:
                            fields.Add(("double", kernel.TempNames[id]));
                            break;
                    }
                }
                if (segment < part.Phases.Count) fields.AddRange(TensorOwnSums(part.Phases[segment]).Select(id => ("double", kernel.TempNames[id])));
            }
            return fields;
        }

        private string HoistedType(int id) => plan.Temps[id].Type.IsBoolean ? "bool" : "T";

        /// <summary>
        /// The values one host segment computes and no other piece reads (no phase, no other segment, no guard): Adam's
        /// biasCorrection1, read only to compute its step size. They are locals of their segment; a value a segment
        /// computes under a condition, or that more than one segment computes, stays a field.
        /// </summary>
        private HashSet<string> HostLocals()
        {
            var definedIn = new Dictionary<string, int>();
            var repeated = new HashSet<string>();
            var readIn = new Dictionary<string, HashSet<int>>();
            void Note(string name, int segment)
            {
                if (!readIn.TryGetValue(name, out var segments)) readIn[name] = segments = new HashSet<int>();
                segments.Add(segment);
            }
            void NoteNode(Expr e, int segment)
            {
                if (e is Variable { Role: VariableRole.Local } local) Note(CpuExpressions.Id(local.Name), segment);
                if (e is Temp temp) Note(kernel.TempNames[temp.Id], segment);
            }
            void Read(Expr? expr, int segment)
            {
                if (expr is not null) IrWalker.Visit(expr, e => NoteNode(e, segment));
            }
            for (int segment = 0; segment < part.Segments.Count; segment++)
            {
                foreach (var item in part.Segments[segment].Items.Where(Emits))
                {
                    string? defined = item switch
                    {
                        HostAssign { Statement: { Declares: true } assign, Guard: null } => CpuExpressions.Id(assign.Target.Name),
                        HostTemp { Id: var id } when plan.Temps[id].Kind == TempKind.Hoisted => kernel.TempNames[id],
                        _ => null,
                    };
                    if (defined is not null && definedIn.ContainsKey(defined)) repeated.Add(defined);
                    else if (defined is not null) definedIn[defined] = segment;
                    Read(item.Guard, segment);
                    switch (item)
                    {
                        case HostAssign assign: Read(assign.Statement.Value, segment); break;
                        case HostRowAssign rowAssign: Read(rowAssign.Statement.Value, segment); break;
                        case HostTemp temp: Read(plan.Temps[temp.Id].Definition, segment); break;
                        case HostGroupAccumulate accumulate: Read(accumulate.Value, segment); break;
                        case HostMatrix matrix: Read(plan.Temps[matrix.Id].Definition, segment); Read(matrix.Reserve, segment); break;
                        case HostMatrixAssign matrixAssign: Read(matrixAssign.Statement.Value, segment); Read(matrixAssign.Reserve, segment); break;
                    }
                }
            }
            // The phases, and the guards they test, read fields.
            const int Phases = -1;
            foreach (var phase in part.Phases) EachExpression(phase.Body, e => NoteNode(e, Phases));
            foreach (var field in kernel.GuardFields.Keys.Concat(kernel.Guards.Values.SelectMany(g => g.Fields))) Note(field, Phases);
            return new HashSet<string>(definedIn.Where(d => !repeated.Contains(d.Key) && (!readIn.TryGetValue(d.Key, out var segments) || segments.All(s => s == d.Value))).Select(d => d.Key));
        }

        private void WriteHost()
        {
            string step = CpuExpressions.Id(kernel.StepName);
            var parameters = new List<string> { "int segment", "Hyperparameters hyper", "int " + step };
            parameters.AddRange(Parameters(kernel, part, host: true).Select(p => p.Type + " " + p.Name));
            parameters.Add("global::System.ReadOnlySpan<double> partials");
            int partials = kernel.PartialsPerBlock(part);
            writer.Line("/// <summary>");
            writer.Line("/// Host segment <paramref name=\"segment\"/>: 0 before the first phase, k after phase k, which left its sums in");
            writer.Line("/// <paramref name=\"partials\"/> (" + (partials == 0 ? "none here" : partials + " per " + (plan.RowsAndColumns ? "tensor" : "block")) + ")"
                + (part.GroupSums.Count > 0 ? "; it adds the tensor's share to the group's sums." : "."));
            writer.Line("/// </summary>");
            writer.Line("public void Host(" + string.Join(", ", parameters) + ")");
            var segments = SegmentsWithCode();
            using (writer.Block())
            {
                if (segments.Count == 0)
                {
                    writer.Line("// Nothing to compute once per tensor: the update reads the hyperparameters as they are.");
                    return;
                }
                WriteSetUp(phase: null);
                writer.Line("switch (segment)");
                using (writer.Block())
                {
                    foreach (int segment in segments)
                    {
                        writer.Line("case " + segment + ":");
                        writer.Indent();
                        if (segment > 0) WriteSums(part.Phases[segment - 1]);
                        WriteSegment(segment);
                        if (Commits(segment)) WriteCommits();
                        writer.RemoveTrailingBlankLine();
                        writer.Line("break;");
                        writer.Outdent();
                    }
                }
            }
        }

        /// <summary>
        /// The host segments of a part that compute something (a call of <c>Host</c> with another only sets up what the
        /// segments read: the tensor as a matrix and the matrices of the matrix work, as the first call did).
        /// </summary>
        public static IReadOnlyList<int> HostSegments(CpuKernel kernel, TensorPart part) => new KernelEmitter(kernel, part, new SourceWriter()).SegmentsWithCode();

        private List<int> SegmentsWithCode() => Enumerable.Range(0, part.Segments.Count).Where(segment => HasHostCode(segment) || Commits(segment)
            || segment > 0 && kernel.TensorSums(part.Phases[segment - 1]).Count > 0).ToList();

        /// <summary>Whether host segment <paramref name="segment"/> ends the step by committing new per-row and per-column state.</summary>
        private bool Commits(int segment) => part.Final && segment == part.Segments.Count - 1 && kernel.RowAssignments.Any();

        private void WritePhaseMethod(ElementPhase phase)
        {
            var parameters = new List<string> { "nuint from", "nuint to" };
            parameters.AddRange(Parameters(kernel, part, host: false).Select(p => p.Type + " " + p.Name));
            parameters.Add("global::System.Span<double> partials");
            var sums = kernel.TensorSums(phase);
            writer.Line("/// <summary>");
            writer.Line("/// " + (part.Phases.Count == 1 ? "The element phase" : "Phase " + phase.Number + " of " + part.Phases.Count) + ", over elements [<paramref name=\"from\"/>, <paramref name=\"to\"/>)"
                + (sums.Count == 0 ? "." : (plan.RowsAndColumns ? ": it leaves its sums in <paramref name=\"partials\"/>." : ": each block leaves its sums in <paramref name=\"partials\"/>, in block order.")));
            writer.Line("/// </summary>");
            writer.Line("/// <typeparam name=\"TVector\">64 bytes of <typeparamref name=\"T\"/>: one 512-bit, two 256-bit or four 128-bit registers, or none (the scalar form alone).</typeparam>");
            writer.Line("/// <typeparam name=\"TPrefetch\">Whether the vector body asks for each buffer's data ahead of loading it: when the data streams from memory.</typeparam>");
            writer.Line("public readonly void Phase" + phase.Number + "<TVector, TPrefetch>(" + string.Join(", ", parameters) + ")");
            writer.Indent();
            writer.Line("where TVector : struct, global::ScratchOptim.Simd.ISimd<TVector, T>");
            writer.Line("where TPrefetch : struct, global::ScratchOptim.Simd.IPrefetch");
            writer.Outdent();
            using (writer.Block())
            {
                WriteOptions(phase);
                WriteSetUp(phase);
                WritePhase(phase);
                writer.RemoveTrailingBlankLine();
            }
        }

        /// <summary>The tensor as a matrix, and the workspace's parts, where the code at hand uses them.</summary>
        private void WriteSetUp(ElementPhase? phase)
        {
            var workspace = kernel.Workspace.ToList();
            // The phases of matrix work read their matrices element by element (by i): only host code makes them, rows × columns.
            bool rowsAndColumns = plan.RowsAndColumns || kernel.UsesMatrices && phase is null || workspace.Count > 0;
            if (rowsAndColumns)
            {
                writer.Line("// The tensor as a matrix: rows are all dimensions but the last.");
                writer.Line(CpuTarget.RowsAndColumns);
            }
            matrices.WriteSetUp(host: phase is null);
            if (workspace.Count > 0)
            {
                writer.Line("// Workspace: per-row and per-column values this step computes, each rows or columns long.");
                string offset = "0";
                foreach (var buffer in workspace)
                {
                    writer.Line("ref T " + buffer.RefName + " = ref " + Unsafe + ".Add(ref workspace, " + offset + ");");
                    offset = (offset == "0" ? "" : offset + " + ") + (buffer.Kind == BufferKind.Row ? "rows" : "columns");
                }
            }
            if (rowsAndColumns || kernel.UsesMatrices) writer.Line();
        }

        /// <summary>
        /// A phase's per-tensor sums, from the partial sums it left: added in block order (or the one per tensor, for
        /// row-by-row loops), in double, from 0; a maximum likewise.
        /// </summary>
        private void WriteSums(ElementPhase phase)
        {
            var sums = kernel.TensorSums(phase);
            if (sums.Count == 0) return;
            int stride = kernel.PartialsPerBlock(part);
            bool group = sums.Any(id => plan.Temps[id].IsGroupLevel);
            writer.Line("// Phase " + phase.Number + "'s sums: " + (plan.RowsAndColumns ? "one per tensor" : "the partial sums of its blocks, added in block order")
                + (group ? ", the group's added to what the tensors before this one gave." : "."));
            foreach (int id in TensorOwnSums(phase)) writer.Line(kernel.TempNames[id] + " = 0;");
            writer.Line("for (int partial = 0; partial < partials.Length; partial += " + stride + ")");
            using (writer.Block())
            {
                for (int r = 0; r < sums.Count; r++)
                {
                    string name = kernel.TempNames[sums[r]];
                    string value = "partials[partial" + (r == 0 ? "" : " + " + r) + "]";
                    writer.Line(IsMax(sums[r]) ? name + " = global::System.Math.Max(" + name + ", " + value + ");" : name + " += " + value + ";");
                }
            }
        }

        /// <summary>The sums of the tensor's own that a phase accumulates (not its shares of the group's).</summary>
        private IEnumerable<int> TensorOwnSums(ElementPhase phase) => kernel.TensorSums(phase).Where(id => !plan.Temps[id].IsGroupLevel);

        /// <summary>
        /// The bools guards test that this part's host code does not compute before its first phase, each with its value:
        /// the guards' own, and a hoisted value or local this part leaves out (a part that is a slice may leave out what
        /// another part computes).
        /// </summary>
        private IEnumerable<KeyValuePair<string, Expr>> GuardDefinitions()
        {
            var computed = new HashSet<string>(part.Segments[0].Items.Select(item => item switch
            {
                HostTemp temp => kernel.TempNames[temp.Id],
                HostAssign { Statement: { Declares: true } assign } => CpuExpressions.Id(assign.Target.Name),
                _ => null,
            }).OfType<string>());
            return kernel.GuardFields.Where(field => !computed.Contains(field.Key));
        }

        // ---- Host code ----

        private bool HasHostCode(int segment) => part.Segments[segment].Items.Any(Emits) || segment == 0 && GuardDefinitions().Any();

        private void WriteSegment(int segment)
        {
            var items = part.Segments[segment].Items.Where(Emits).ToList();
            var guards = segment == 0 ? GuardDefinitions().ToList() : new List<KeyValuePair<string, Expr>>();
            if (items.Count == 0 && guards.Count == 0) return;
            bool matrixWork = items.Any(i => i is HostMatrixAssign || i is HostMatrix { } m && plan.Temps[m.Id].Definition is not MatrixVariable);
            bool scalars = items.Any(i => i is not HostMatrixAssign and not HostMatrix);
            const string Work = "the matrix work, on whole matrices with ScratchOptim.LinearAlgebra";
            writer.Line(segment == 0
                ? "// Once per tensor, before the loops: step-uniform values in double (as PyTorch computes Python scalars), then each value the loops read, rounded to T once" + (matrixWork ? ", and " + Work : "") + "."
                : "// After phase " + segment + ": " + (scalars ? "what its sums give, in double" + (matrixWork ? ", and " + Work : "") : Work) + ".");
            foreach (var guard in guards)
                writer.Line(guard.Key + " = " + expressions.Uniform(guard.Value) + "; // the "
                    + (kernel.MatrixGuards.Contains(guard.Key) ? "matrix" : "state")
                    + " that needs it is allocated");
            foreach (var item in items) WriteHostItem(item);
            writer.Line();
        }

        /// <summary>A reduction accumulated by a phase needs no host code: the phase leaves its value in a local.</summary>
        private bool Emits(HostItem item) =>
            item is not HostTemp temp || plan.Temps[temp.Id].Kind == TempKind.Hoisted || plan.Temps[temp.Id].Definition is Call { Arguments.Count: 1 } reduction && reduction.Arguments[0].Type.Space is Space.Row or Space.Column;

        private void WriteHostItem(HostItem item)
        {
            string guard = item.Guard is null ? "" : "if (" + expressions.Uniform(item.Guard) + ") ";
            switch (item)
            {
                case HostAssign { Statement: var assign }:
                    string target = CpuExpressions.Id(assign.Target.Name);
                    string computed = expressions.Uniform(assign.Value!);
                    // A number stored in an element-typed local or state is rounded to T, as C#'s conversion to Element rounds it.
                    if (assign.Target.Type.Scalar == Scalar.Element && assign.Value!.Type.Scalar != Scalar.Element) computed = "Round<T>(" + computed + ")";
                    string declaration = assign.Declares && hostLocals.Contains(target) ? ScalarType(assign.Target.Type.Scalar) + " " : "";
                    writer.Line(guard + declaration + target + " = " + computed + ";");
                    break;
                case HostTemp { Id: var id } when plan.Temps[id].Kind == TempKind.Hoisted:
                    var value = plan.Temps[id];
                    string name = (hostLocals.Contains(kernel.TempNames[id]) ? HoistedType(id) + " " : "") + kernel.TempNames[id];
                    if (value.Type.IsBoolean)
                    {
                        writer.Line(name + " = " + expressions.Uniform(value.Definition) + ";");
                        break;
                    }
                    string definition = value.Definition.Type.Scalar == Scalar.Element ? expressions.Uniform(value.Definition) : "Round<T>(" + expressions.Uniform(value.Definition) + ")";
                    string comment = value.Definition is Variable or Literal ? "" : " // " + EquationRenderer.Text(value.Definition, i => kernel.TempNames[i]);
                    writer.Line(name + " = " + definition + ";" + comment);
                    break;
                case HostTemp { Id: var id }:
                    WriteRowReduction(id);
                    break;
                case HostRowAssign rowAssign:
                    WriteRowAssign(rowAssign, guard);
                    break;
                case HostMatrix matrix:
                    matrices.WriteHostMatrix(matrix);
                    break;
                case HostMatrixAssign matrixAssign:
                    matrices.WriteHostMatrixAssign(matrixAssign);
                    break;
                case HostGroupAccumulate accumulate:
                    WriteGroupAccumulate(accumulate, guard);
                    break;
            }
        }

        /// <summary>A tensor's per-tensor value added to a group sum (or taken into a group maximum); per-row or per-column values in a loop, in order.</summary>
        private void WriteGroupAccumulate(HostGroupAccumulate accumulate, string guard)
        {
            string name = kernel.TempNames[accumulate.TempId];
            bool max = IsMax(accumulate.TempId);
            if (accumulate.Value.Type.IsUniform)
            {
                string value = expressions.Uniform(accumulate.Value);
                if (accumulate.Value.Type.Scalar == Scalar.Element) value = "double.CreateTruncating(" + value + ")";
                writer.Line(guard + (max ? name + " = global::System.Math.Max(" + name + ", global::System.Math.Abs(" + value + "));" : name + " += " + value + ";"));
                return;
            }
            string index = accumulate.Value.Type.Space == Space.Row ? "row" : "column";
            string count = accumulate.Value.Type.Space == Space.Row ? "rows" : "columns";
            writer.Line(guard + "for (nuint " + index + " = 0; " + index + " < (nuint)" + count + "; " + index + "++)");
            using (writer.Block())
            {
                WriteLoads(ReadsOf(accumulate.Value), vector: false, index);
                string value = "double.CreateTruncating(" + expressions.Scalar(accumulate.Value) + ")";
                writer.Line(max ? name + " = global::System.Math.Max(" + name + ", global::System.Math.Abs(" + value + "));" : name + " += " + value + ";");
            }
        }

        /// <summary>A per-tensor sum of per-row or per-column values: a loop over them, in order, in double.</summary>
        private void WriteRowReduction(int id)
        {
            var reduction = (Call)plan.Temps[id].Definition;
            var argument = reduction.Arguments[0];
            string index = argument.Type.Space == Space.Row ? "row" : "column";
            string count = argument.Type.Space == Space.Row ? "rows" : "columns";
            string name = kernel.TempNames[id];
            bool max = IsMax(id);
            writer.Line(name + " = 0;");
            writer.Line("for (nuint " + index + " = 0; " + index + " < (nuint)" + count + "; " + index + "++)");
            using (writer.Block())
            {
                WriteLoads(ReadsOf(argument), vector: false, index);
                string value = "double.CreateTruncating(" + expressions.Scalar(argument) + ")";
                writer.Line(max ? name + " = global::System.Math.Max(" + name + ", global::System.Math.Abs(" + value + "));" : name + " += " + value + ";");
            }
        }

        /// <summary>New values of a per-row or per-column state: a loop over its rows or columns, into the workspace.</summary>
        private void WriteRowAssign(HostRowAssign rowAssign, string guard)
        {
            var assign = rowAssign.Statement;
            var buffer = kernel.Buffer(expressions.NewStateName(assign.Target.Name));
            string index = buffer.Kind == BufferKind.Row ? "row" : "column";
            string count = buffer.Kind == BufferKind.Row ? "rows" : "columns";
            writer.Line("// " + EquationRenderer.Text(rowAssign.Declared));
            writer.Line(guard + "for (nuint " + index + " = 0; " + index + " < (nuint)" + count + "; " + index + "++)");
            using (writer.Block())
            {
                WriteLoads(ReadsOf(assign.Value!), vector: false, index);
                writer.Line("ElementAt(ref " + buffer.RefName + ", " + index + ") = " + expressions.Scalar(assign.Value!) + ";");
            }
        }

        /// <summary>After the last phase: the new per-row and per-column values replace the state.</summary>
        private void WriteCommits()
        {
            var assignments = kernel.RowAssignments.ToList();
            if (assignments.Count == 0) return;
            writer.Line("// The new per-row and per-column values become the state, now that nothing reads the old ones.");
            foreach (var assign in assignments)
            {
                var state = assign.Statement.Target;
                var fresh = kernel.Buffer(expressions.NewStateName(state.Name));
                string count = fresh.Kind == BufferKind.Row ? "rows" : "columns";
                string guard = assign.Guard is null ? "" : "if (" + expressions.Uniform(assign.Guard) + ") ";
                writer.Line(guard + "global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref " + fresh.RefName + ", " + count + ")"
                    + ".CopyTo(global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref " + kernel.Buffer(state.Name).RefName + ", " + count + "));");
            }
            writer.Line();
        }

        // ---- Element phases ----

        private void WritePhase(ElementPhase phase)
        {
            var reductions = Accumulations(phase.Body).Select(a => a.TempId).Distinct().ToList();
            var tensorSums = kernel.TensorSums(phase).ToList();
            writer.Line(PhaseComment(phase, reductions));
            if (plan.RowsAndColumns)
            {
                foreach (int id in tensorSums) writer.Line("double " + kernel.TempNames[id] + " = 0;");
                foreach (int id in reductions.Where(id => plan.Temps[id].Type.Space == Space.Column))
                    writer.Line("global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref " + kernel.Buffer(kernel.TempNames[id]).RefName + ", columns).Clear();");
                WriteRowLoops(phase, reductions);
                for (int r = 0; r < tensorSums.Count; r++) writer.Line("partials[" + r + "] = " + kernel.TempNames[tensorSums[r]] + ";");
            }
            else if (tensorSums.Count > 0)
            {
                WriteBlockLoops(phase, tensorSums);
            }
            else
            {
                WriteFlatLoops(phase);
            }
            writer.Line();
        }

        private string PhaseComment(ElementPhase phase, List<int> reductions)
        {
            var stores = Stores(phase.Body).Select(s => kernel.TempNames[s.TempId]).Distinct().ToList();
            if (stores.Count > 0)
            {
                string filled = "the matrix " + string.Join(" and the matrix ", stores) + ", for the matrix work after it";
                string sums = reductions.Count > 0 ? ", and the sums " + string.Join(", ", reductions.Select(id => kernel.TempNames[id])) : "";
                return "// Phase " + phase.Number + " of " + part.Phases.Count + ": " + filled + sums
                    + (phase.Final ? "; it also stores the parameter and the state." : " (element by element); nothing is stored yet.");
            }
            string names = string.Join(", ", reductions.Select(id => kernel.TempNames[id] + (plan.Temps[id].IsGroupLevel ? " (the tensor's share of the group's)" : "")));
            string loops = plan.RowsAndColumns ? "row by row, a vector body over the columns and a scalar tail" : "a vector body and a scalar tail (all of it without vector hardware), rounded alike";
            if (part.Phases.Count == 1 && part.Final)
                return "// " + (kernel.IsProcedure ? kernel.Name : "The update") + ", element by element: " + loops + (names.Length > 0 ? "; it also computes " + names : "") + ".";
            if (part.Phases.Count == 1)
                return "// Element by element, " + loops + ": only what the sums " + names + " need (in a fixed order: the same bits for every vector width); nothing is stored.";
            string which = "// Phase " + phase.Number + " of " + part.Phases.Count + ": ";
            return phase.Final
                ? which + "the update, element by element, with what the phases before it summed; it alone stores the parameter and the state" + (names.Length > 0 ? ", and sums " + names : "") + "."
                : which + "the sums " + names + " (reductions in a fixed order: the same bits for every vector width); nothing is stored" + (part.Final ? " yet." : ".");
        }

        private void WriteFlatLoops(ElementPhase phase)
        {
            writer.Line("nuint i = from;");
            writer.Line("if (TVector.IsHardwareAccelerated)");
            using (writer.Block())
            {
                WriteLoopInvariants(phase);
                writer.Line("for (; i + (nuint)TVector.Count <= to; i += (nuint)TVector.Count)");
                using (writer.Block()) WriteBody(phase, vector: true, lane: null);
            }
            writer.Line("for (; i < to; i++)");
            using (writer.Block()) WriteBody(phase, vector: false, lane: null);
        }

        /// <summary>Loops over blocks of a fixed size, so that sums are added in the same order whatever the vector width.</summary>
        private void WriteBlockLoops(ElementPhase phase, List<int> sums)
        {
            WriteLoopInvariants(phase);
            writer.Line("for (nuint block = from; block < to; block += global::ScratchOptim.Reductions.BlockLength)");
            using (writer.Block())
            {
                writer.Line("nuint blockEnd = global::System.Math.Min(block + global::ScratchOptim.Reductions.BlockLength, to);");
                foreach (int id in sums) writer.Line("var " + LanesName(id) + " = TVector.Zero;");
                writer.Line("nuint i = block;");
                writer.Line("if (TVector.IsHardwareAccelerated)");
                using (writer.Block())
                {
                    writer.Line("for (; i + (nuint)TVector.Count <= blockEnd; i += (nuint)TVector.Count)");
                    using (writer.Block()) WriteBody(phase, vector: true, lane: null);
                }
                writer.Line("for (; i < blockEnd; i++)");
                using (writer.Block()) WriteBody(phase, vector: false, lane: "(i - block) % (nuint)TVector.Count");
                writer.Line("// This block's partial sums, in their slots: the host code adds them in block order.");
                writer.Line("int partial = (int)((block - from) / global::ScratchOptim.Reductions.BlockLength) * " + kernel.PartialsPerBlock(part) + ";");
                for (int r = 0; r < sums.Count; r++)
                    writer.Line("partials[partial" + (r == 0 ? "" : " + " + r) + "] = " + (IsMax(sums[r]) ? "MaxLanes(" : "SumLanes(") + LanesName(sums[r]) + ");");
            }
        }

        /// <summary>Loops over rows, and over the columns of each row: per-row values are known once per row.</summary>
        private void WriteRowLoops(ElementPhase phase, List<int> reductions)
        {
            WriteLoopInvariants(phase);
            var laned = reductions.Where(id => plan.Temps[id].Type.Space is Space.Tensor or Space.Group or Space.Row).ToList();
            writer.Line("for (nuint row = 0; row < (nuint)rows; row++)");
            using (writer.Block())
            {
                writer.Line("nuint rowStart = row * (nuint)columns;");
                foreach (int id in laned) writer.Line("var " + LanesName(id) + " = TVector.Zero;");
                writer.Line("nuint column = 0;");
                writer.Line("if (TVector.IsHardwareAccelerated)");
                using (writer.Block())
                {
                    writer.Line("for (; column + (nuint)TVector.Count <= (nuint)columns; column += (nuint)TVector.Count)");
                    using (writer.Block())
                    {
                        writer.Line("nuint i = rowStart + column;");
                        WriteBody(phase, vector: true, lane: null);
                    }
                }
                writer.Line("for (; column < (nuint)columns; column++)");
                using (writer.Block())
                {
                    writer.Line("nuint i = rowStart + column;");
                    WriteBody(phase, vector: false, lane: "column % (nuint)TVector.Count");
                }
                foreach (int id in laned) writer.Line(FinishLanes(id));
            }
        }

        private string LanesName(int id) => kernel.LoopNames.Lanes[id];

        /// <summary>Whether the reduction kept in temp <paramref name="id"/> takes a maximum (of a tensor or of a group) rather than a sum.</summary>
        private bool IsMax(int id) => plan.Temps[id].Definition is Call reduction && Operators.Get(reduction.Operator).TakesMaximum;

        /// <summary>Adds a reduction's lanes (pairwise, in a fixed order) to its value: per block, per row, or into the row's entry.</summary>
        private string FinishLanes(int id)
        {
            var temp = plan.Temps[id];
            string lanes = LanesName(id);
            string name = kernel.TempNames[id];
            bool max = IsMax(id);
            if (temp.Type.Space == Space.Row)
                return "ElementAt(ref " + kernel.Buffer(name).RefName + ", row) = Round<T>(" + (max ? "MaxLanes(" : "SumLanes(") + lanes + "));";
            return max ? name + " = global::System.Math.Max(" + name + ", MaxLanes(" + lanes + "));" : name + " += SumLanes(" + lanes + ");";
        }

        /// <summary>
        /// Before the vector loop: each step-uniform value it reads, broadcast to a vector, and each one an operator
        /// prepares (<see cref="Operator.PreparedArgument"/>), prepared.
        /// </summary>
        private void WriteLoopInvariants(ElementPhase phase)
        {
            var broadcasts = UniformTemps(phase.Body).ToList();
            if (broadcasts.Count > 0) writer.Line("// Each value the loop reads, broadcast to a vector once.");
            foreach (int id in broadcasts) writer.Line("var " + expressions.VectorName(id) + " = TVector.Create(" + kernel.TempNames[id] + ");");
            foreach (var (id, op) in PreparedArguments(phase.Body))
            {
                writer.Line("// " + op.Name + "(…, " + kernel.TempNames[id] + "): " + op.Preparation + "; worked out once.");
                writer.Line("var " + expressions.PreparedName(id, op) + " = Prepare" + op.Name + "(" + expressions.VectorName(id) + ");");
            }
        }

        /// <summary>
        /// The phase's options (the bool fields it tests, in conditions and as buffers' guards), copied to locals: the
        /// loop stores through references, after which the JIT would read a field again on every vector.
        /// </summary>
        private void WriteOptions(ElementPhase phase)
        {
            var tested = new HashSet<string>();
            EachExpression(phase.Body, e =>
            {
                if (e is Temp { Type.IsUniform: true, Type.IsBoolean: true } temp) tested.Add(kernel.TempNames[temp.Id]);
                if (e is Variable { Type.IsUniform: true, Type.IsBoolean: true } variable) tested.Add(CpuExpressions.Id(variable.Name));
            });
            var buffers = ReadsOf(phase.Body).Concat(phase.Final ? WrittenBuffers(phase.Body) : Enumerable.Empty<string>());
            foreach (var name in buffers)
                if (kernel.Guards.TryGetValue(name, out var guard)) tested.UnionWith(guard.Fields);
            var options = Fields().Where(f => f.Type == "bool" && tested.Contains(f.Name)).Select(f => f.Name).Distinct().ToList();
            if (options.Count == 0) return;
            writer.Line("// The options this phase tests, read once: after a store through a buffer reference the JIT would read the fields again.");
            foreach (var name in options) writer.Line("bool " + name + " = this." + name + ";");
        }

        private void WriteBody(ElementPhase phase, bool vector, string? lane)
        {
            string index = plan.RowsAndColumns ? "row" : "i";
            if (vector) WritePrefetches(ReadsOf(phase.Body));
            WriteLoads(ReadsOf(phase.Body), vector, index);
            writer.Line();
            WriteStatements(phase.Body, vector, lane);
            if (!phase.Final) return;
            var stores = new List<string>();
            foreach (var name in WrittenBuffers(phase.Body))
            {
                var buffer = kernel.Buffer(name);
                string store = vector ? "TVector.Store(" + CpuExpressions.Id(name) + ", ref " + buffer.RefName + ", i);" : "ElementAt(ref " + buffer.RefName + ", i) = " + CpuExpressions.Id(name) + ";";
                stores.Add(kernel.Guards.TryGetValue(name, out var guard) ? "if (" + guard.Test + ") " + store : store);
            }
            if (stores.Count == 0) return;
            writer.Line();
            foreach (var store in stores) writer.Line(store);
        }

        /// <summary>Asks for what a later vector will load of each element buffer the statements read (a no-op unless <c>TPrefetch</c> says so).</summary>
        private void WritePrefetches(IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                var buffer = kernel.Buffer(name);
                if (buffer.Kind != BufferKind.Element) continue;
                string prefetch = "TPrefetch.Ahead(ref " + buffer.RefName + ", i);";
                writer.Line(kernel.Guards.TryGetValue(name, out var guard) ? "if (" + guard.Test + ") " + prefetch : prefetch);
            }
        }

        /// <summary>
        /// Loads each buffer the statements read: element buffers at <c>i</c>, per-row values broadcast at
        /// <c>row</c>, per-column values at <c>column</c>. A state allocated only under a condition is read only then.
        /// </summary>
        private void WriteLoads(IEnumerable<string> names, bool vector, string rowIndex)
        {
            foreach (var name in names)
            {
                var buffer = kernel.Buffer(name);
                string index = buffer.Kind switch
                {
                    BufferKind.Row => rowIndex,
                    BufferKind.Column => "column",
                    _ => "i",
                };
                string load = !vector ? "ElementAt(ref " + buffer.RefName + ", " + index + ")"
                    : buffer.Kind == BufferKind.Row ? "TVector.Create(ElementAt(ref " + buffer.RefName + ", " + index + "))"
                    : "TVector.Load(ref " + buffer.RefName + ", " + index + ")";
                if (kernel.Guards.TryGetValue(name, out var guard)) load = guard.Test + " ? " + load + " : default";
                writer.Line((vector ? "var " : "T ") + CpuExpressions.Id(name) + " = " + load + ";");
            }
        }

        private void WriteStatements(EquatableArray<Stmt> statements, bool vector, string? lane)
        {
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case ElementAssign { Declared: var declared, Scheduled: var assign }:
                        writer.Line("// " + EquationRenderer.Text(declared));
                        string target = CpuExpressions.Id(assign.Target.Name);
                        if (assign.Declares) target = (vector ? (assign.Value is null ? "TVector" : "var") : "T") + " " + target;
                        writer.Line(assign.Value is null ? target + ";" : target + " = " + Form(assign.Value, vector) + ";");
                        break;
                    case Accumulate accumulate:
                        WriteAccumulate(accumulate, vector, lane);
                        break;
                    case Store store:
                        string matrix = kernel.Buffer(kernel.TempNames[store.TempId]).RefName;
                        writer.Line("// The matrix " + kernel.TempNames[store.TempId] + " gets " + EquationRenderer.Text(store.Value, kernel.TempName));
                        writer.Line(vector
                            ? "TVector.Store(" + Form(store.Value, vector) + ", ref " + matrix + ", i);"
                            : "ElementAt(ref " + matrix + ", i) = " + Form(store.Value, vector) + ";");
                        break;
                    case If branch:
                        writer.Line("if (" + Form(branch.Condition, vector) + ")");
                        using (writer.Block()) WriteStatements(branch.Then, vector, lane);
                        if (branch.Else.Count > 0)
                        {
                            writer.Line("else");
                            using (writer.Block()) WriteStatements(branch.Else, vector, lane);
                        }
                        break;
                }
            }
        }

        private void WriteAccumulate(Accumulate accumulate, bool vector, string? lane)
        {
            var temp = plan.Temps[accumulate.TempId];
            string value = Form(accumulate.Value, vector);
            bool max = IsMax(accumulate.TempId);
            if (temp.Type.Space == Space.Column)
            {
                string buffer = kernel.Buffer(kernel.TempNames[accumulate.TempId]).RefName;
                if (vector)
                {
                    string entries = "TVector.Load(ref " + buffer + ", column)";
                    writer.Line("TVector.Store(" + (max ? "Max(" + entries + ", Abs(" + value + "))" : entries + " + " + value) + ", ref " + buffer + ", column);");
                }
                else
                {
                    string entry = "ElementAt(ref " + buffer + ", column)";
                    writer.Line(max ? entry + " = Max(" + entry + ", Abs(" + value + "));" : entry + " += " + value + ";");
                }
                return;
            }
            string lanes = LanesName(accumulate.TempId);
            if (vector)
                writer.Line(max ? lanes + " = Max(" + lanes + ", Abs(" + value + "));" : lanes + " += " + value + ";");
            else
                writer.Line(lanes + " = " + (max ? "MaxIntoLane(" + lanes + ", " + lane + ", Abs(" + value + "));" : "AddToLane(" + lanes + ", " + lane + ", " + value + ");"));
        }

        private string Form(Expr expr, bool vector) => vector ? expressions.Vector(expr) : expressions.Scalar(expr);

        // ---- What the statements touch ----

        private static IEnumerable<Store> Stores(EquatableArray<Stmt> body)
        {
            var found = new List<Store>();
            IrWalker.Visit(body, s =>
            {
                if (s is Store store) found.Add(store);
            }, _ => { });
            return found;
        }

        private static IEnumerable<Accumulate> Accumulations(EquatableArray<Stmt> body)
        {
            var found = new List<Accumulate>();
            IrWalker.Visit(body, s =>
            {
                if (s is Accumulate accumulate) found.Add(accumulate);
            }, _ => { });
            return found;
        }

        /// <summary>The buffers the statements read, in the order of <see cref="CpuKernel.Buffers"/>.</summary>
        private IEnumerable<string> ReadsOf(EquatableArray<Stmt> body)
        {
            var names = new HashSet<string>();
            var declared = new HashSet<string>();
            IrWalker.Visit(body, s =>
            {
                switch (s)
                {
                    case ElementAssign assign:
                        if (assign.Scheduled.Declares) declared.Add(assign.Scheduled.Target.Name);
                        else names.Add(assign.Scheduled.Target.Name);
                        if (assign.Scheduled.Value is { } value) NoteReads(value, names);
                        break;
                    case PhaseOutput phaseOutput:
                        NoteReads(phaseOutput.Value, names);
                        break;
                }
            }, e => NoteReads(e, names));
            names.ExceptWith(declared);
            return kernel.Buffers.Where(b => names.Contains(b.Name)).Select(b => b.Name);
        }

        private IEnumerable<string> ReadsOf(Expr expr)
        {
            var names = new HashSet<string>();
            NoteReads(expr, names);
            return kernel.Buffers.Where(b => names.Contains(b.Name)).Select(b => b.Name);
        }

        private void NoteReads(Expr expr, HashSet<string> names) => IrWalker.Visit(expr, e =>
        {
            switch (e)
            {
                case Variable { Type.IsUniform: false } variable:
                    names.Add(variable.Name);
                    break;
                case NewState state:
                    names.Add(expressions.NewStateName(state.Name));
                    break;
                case Temp temp when plan.Temps[temp.Id].Kind == TempKind.Reduction && temp.Type.Space is Space.Row or Space.Column:
                    names.Add(kernel.TempNames[temp.Id]);
                    break;
                case Temp temp when plan.Temps[temp.Id].Kind == TempKind.Matrix:
                    names.Add(kernel.TempNames[temp.Id]);
                    break;
            }
        });

        /// <summary>The element buffers the statements assign: the parameter and element state (the gradient is a copy).</summary>
        private IEnumerable<string> WrittenBuffers(EquatableArray<Stmt> body)
        {
            var names = new HashSet<string>();
            IrWalker.Visit(body, s =>
            {
                if (s is ElementAssign { Scheduled.Target: { Role: VariableRole.Param or VariableRole.State } target } && target.Type.Space == Space.Element)
                    names.Add(target.Name);
            }, _ => { });
            return kernel.Buffers.Where(b => names.Contains(b.Name)).Select(b => b.Name);
        }

        /// <summary>The numeric temps a phase reads as vectors: hoisted values and constants.</summary>
        private static IEnumerable<int> UniformTemps(EquatableArray<Stmt> body)
        {
            var ids = new SortedSet<int>();
            EachExpression(body, e =>
            {
                if (e is Temp { Type.IsUniform: true, Type.IsBoolean: false } temp) ids.Add(temp.Id);
            });
            return ids;
        }

        /// <summary>The step-uniform arguments the vector loop prepares before it starts, by temp and operator.</summary>
        private static IEnumerable<(int Temp, Operator Op)> PreparedArguments(EquatableArray<Stmt> body)
        {
            var prepared = new SortedSet<(int, string)>();
            EachExpression(body, e =>
            {
                if (e is Call call && CpuExpressions.HasPreparedArgument(call, out int id, out var op)) prepared.Add((id, op.Name));
            });
            return prepared.Select(p => (p.Item1, Operators.Get(p.Item2)));
        }

        /// <summary>Every expression of an element phase's statements, conditions included.</summary>
        private static void EachExpression(EquatableArray<Stmt> body, System.Action<Expr> note) => IrWalker.Visit(body, s =>
        {
            if (s is ElementAssign { Scheduled.Value: { } value }) IrWalker.Visit(value, note);
            if (s is PhaseOutput phaseOutput) IrWalker.Visit(phaseOutput.Value, note);
        }, note);
    }
}
