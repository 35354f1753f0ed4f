using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// The CPU target: one generic kernel per optimizer (one per part when the update reads group values), vectorized over
    /// 64-byte vectors with a scalar tail, and one per procedure (in the nested class <see cref="ProcedureKernels"/>).
    /// </summary>
    internal sealed class CpuTarget : IKernelTarget
    {
        private const string GetReference = "global::System.Runtime.InteropServices.MemoryMarshal.GetReference";

        /// <summary>The nested class that holds the procedures' kernels, each named as its procedure.</summary>
        public const string ProcedureKernels = "ProcedureKernels";

        private readonly CpuKernel kernel;

        /// <summary>Each state's index among the declaration's states: the buffer it is kept in.</summary>
        private readonly IReadOnlyList<StateModel> declaredStates;

        public CpuTarget(KernelPlan plan)
        {
            kernel = new CpuKernel(plan);
            declaredStates = plan.Model.States;
        }

        /// <summary>The target of procedure <paramref name="procedure"/>, whose plan holds only the states it uses.</summary>
        public CpuTarget(KernelPlan plan, ProcedureModel procedure, OptimizerModel declaration)
        {
            kernel = new CpuKernel(plan, procedure.Name);
            declaredStates = declaration.States;
        }

        private OptimizerModel Model => kernel.Plan.Model;

        public string TempName(int id) => kernel.TempNames[id];

        public bool UsesShape => kernel.UsesShape;

        public string? WorkspaceLength
        {
            get
            {
                var parts = kernel.Workspace.Select(b => b.Kind == BufferKind.Row ? "rows" : "columns").ToList();
                return parts.Count == 0 ? null : string.Join(" + ", parts);
            }
        }

        public string Schedule => ScheduleOf(kernel.Plan.Final);

        /// <summary>The <c>StepSchedule</c> of a part, as a C# expression.</summary>
        internal string ScheduleOf(TensorPart part) =>
            "new global::ScratchOptim.StepSchedule(Phases: " + part.Phases.Count + ", SplitsTensors: " + (kernel.SplitsTensors ? "true" : "false")
            + ", PartialsPerBlock: " + kernel.PartialsPerBlock(part) + ", RowByRow: " + (kernel.Plan.RowsAndColumns ? "true" : "false") + ")";

        public void WriteStepHostBody(SourceWriter writer) => WriteHostBody(writer, kernel.Plan.Final);

        public void WriteStepElementsBody(SourceWriter writer) => WriteElementsBody(writer, kernel.Plan.Final);

        public void WriteStepGroupBody(SourceWriter writer) => GroupEmitter.WriteStepGroupBody(kernel, writer);

        /// <summary>
        /// A tensor's host segment of a part: find (and allocate) its state, then run the segment of the part's kernel, with
        /// the group values the part reads and the group sums it adds to (the fields of a group phase's struct).
        /// </summary>
        internal void WriteHostBody(SourceWriter writer, TensorPart part)
        {
            WriteBuffers(writer, "// The state, allocated on the first step that can use it, then reused.", uniform: true);
            var arguments = new List<string> { "segment", "hyper", "state.Step" };
            arguments.AddRange(KernelArguments(part, host: true));
            arguments.Add("partials");
            string type = kernel.KernelName(part) + "<T>";
            var copies = part.Final ? new List<StateModel>() : kernel.TensorStates.ToList();
            if (copies.Count == 0)
            {
                WriteCall(writer, "state.Kernel<" + type + ">().Host", arguments);
                return;
            }
            writer.Line("ref var kernel = ref state.Kernel<" + type + ">();");
            writer.Line("// This phase computes the per-tensor state's new values for itself, in copies: only the last phase stores them.");
            writer.Line("if (segment == 0)");
            using (writer.Block())
                foreach (var state in copies) writer.Line("kernel." + CSharp.Id(state.Name) + " = " + CSharp.Id(state.Name) + ";");
            WriteCall(writer, "kernel.Host", arguments);
        }

        /// <summary>A range of a tensor's elements in an element phase of a part: find the state host code allocated, run the phase.</summary>
        internal void WriteElementsBody(SourceWriter writer, TensorPart part)
        {
            WriteBuffers(writer, "// The state host code allocated.", uniform: false);
            writer.Line("ref readonly var kernel = ref state.Kernel<" + kernel.KernelName(part) + "<T>>();");
            var arguments = new List<string> { "(nuint)from", "(nuint)to" };
            arguments.AddRange(KernelArguments(part, host: false));
            arguments.Add("partials");
            if (part.Phases.Count == 1)
            {
                WriteCall(writer, "kernel.Phase1<TVector, TPrefetch>", arguments);
                return;
            }
            writer.Line("switch (phase)");
            using (writer.Block())
            {
                foreach (var phase in part.Phases)
                {
                    writer.Line("case " + phase.Number + ":");
                    writer.Indent();
                    WriteCall(writer, "kernel.Phase" + phase.Number + "<TVector, TPrefetch>", arguments);
                    writer.Line("break;");
                    writer.Outdent();
                }
            }
        }

        /// <summary>Finds the parameter's buffers: its values, gradient and state, and the workspace.</summary>
        private void WriteBuffers(SourceWriter writer, string comment, bool uniform)
        {
            var buffers = new List<string>();
            // The workspace is as long as the rows or the columns; a state may be too, or allocated on a condition that reads them.
            bool readsRowsOrColumns = WorkspaceLength is not null;
            for (int i = 0; i < Model.States.Count; i++)
            {
                var state = Model.States[i];
                if (state.Space == Space.Group || state.IsUniform && !uniform) continue;
                int index = IndexOf(state);
                string type = KernelEmitter.ScalarType(state.Scalar);
                string length = StateLength(state);
                string buffer = "state.Buffer<" + type + ">(" + index + ", " + length + Initial(state) + ")";
                var allocation = kernel.Plan.States[i].Allocation;
                readsRowsOrColumns |= ReadsRowsOrColumns(state, allocation);
                if (state.IsUniform)
                {
                    if (allocation is null)
                    {
                        buffers.Add("ref " + type + " " + CSharp.Id(state.Name) + " = ref " + buffer + "[0];");
                        continue;
                    }
                    // A per-tensor state no branch can use with these settings is not allocated: a local stands in for it.
                    string standIn = kernel.Namer.Claim(state.Name + "Unused");
                    buffers.Add(type + " " + standIn + " = default;");
                    buffers.Add("ref " + type + " " + CSharp.Id(state.Name) + " = ref " + kernel.Expressions.Uniform(allocation) + " ? ref " + buffer + "[0] : ref " + standIn + ";");
                    continue;
                }
                buffers.Add("var " + CSharp.Id(state.Name) + " = " + (allocation is null ? buffer : kernel.Expressions.Uniform(allocation) + " ? " + buffer + " : default") + ";");
            }
            if (WorkspaceLength is { } workspace) buffers.Add("var workspace = state.Workspace<T>(" + workspace + ");");
            writer.Line("int length = parameter.Length;");
            if (kernel.UsesShape || kernel.Plan.RowsAndColumns)
            {
                writer.Line("var shape = ShapeOf(parameter);");
                if (readsRowsOrColumns) writer.Line(CpuTarget.RowsAndColumns);
            }
            if (Model.States.Any(s => s.Space != Space.Group && (uniform || !s.IsUniform))) writer.Line(comment);
            foreach (string buffer in buffers) writer.Line(buffer);
            if (kernel.UsesMatrices)
            {
                if (uniform)
                {
                    writer.Line("// The matrix work's solvers and work matrices, made on the first step, then reused.");
                    writer.Line("if (state.Scratch is not " + MatrixEmitter.WorkspaceType + " matrices) state.Scratch = matrices = new " + MatrixEmitter.WorkspaceType + "();");
                }
                else
                {
                    writer.Line("var matrices = (" + MatrixEmitter.WorkspaceType + ")state.Scratch!;");
                }
            }
        }

        /// <summary>
        /// A part's arguments as the step passes them to its kernel: the buffers, and for host code the group values, the
        /// per-tensor state (in the part that stores it) and the group sums (see <see cref="KernelEmitter.Parameters"/>).
        /// </summary>
        private IEnumerable<string> KernelArguments(TensorPart part, bool host)
        {
            if (host)
                foreach (var input in part.Inputs) yield return kernel.InputName(input);
            if (kernel.UsesShape) yield return "shape";
            yield return "length";
            foreach (var buffer in kernel.Arguments)
            {
                string span = buffer.Name == Model.Signature.Param ? "parameter.Data.Span"
                    : buffer.Name == Model.Signature.Grad ? "parameter.Grad!.Value.Span"
                    : CSharp.Id(buffer.Name);
                yield return "ref " + GetReference + "(" + span + ")";
            }
            if (host && part.Final)
                foreach (var state in kernel.TensorStates) yield return "ref " + CSharp.Id(state.Name);
            foreach (var state in Model.States.Where(s => s.Space == Space.Matrix)) yield return CSharp.Id(state.Name);
            if (WorkspaceLength is not null) yield return "ref " + GetReference + "(workspace)";
            if (kernel.UsesMatrices) yield return "matrices";
            if (host)
                foreach (int sum in part.GroupSums) yield return "ref " + kernel.TempNames[sum];
        }

        public bool UsesMatrices => kernel.UsesMatrices;

        /// <summary>The statement that declares the tensor's <c>rows</c> and <c>columns</c> as a matrix (rows: all dimensions but the last) from <c>shape</c>.</summary>
        public const string RowsAndColumns = "int rows = global::ScratchOptim.TensorShape.Rows(shape), columns = global::ScratchOptim.TensorShape.Columns(shape);";

        /// <summary>How many values a state has, as a C# expression over <c>length</c>, <c>rows</c> and <c>columns</c>.</summary>
        public static string StateLength(StateModel state) => state.Space switch
        {
            Space.Element => "length",
            Space.Row => "rows",
            Space.Column => "columns",
            Space.Matrix => MatrixSide(state) + " * " + MatrixSide(state),
            _ => "1",
        };

        /// <summary>
        /// Whether finding or checking a state's buffer reads the <c>rows</c> or <c>columns</c> that <see cref="RowsAndColumns"/>
        /// declares: for its length (<see cref="StateLength"/>), or for the condition it is allocated on.
        /// </summary>
        public static bool ReadsRowsOrColumns(StateModel state, Expr? allocation) =>
            state.Space is Space.Row or Space.Column
            || state.Space == Space.Matrix && state.Matrix!.Value.Rows is Extent.Rows or Extent.Columns
            || allocation is not null && CpuExpressions.ReadsRowsOrColumns(allocation);

        /// <summary>The side of a square matrix state, as a C# expression over <c>length</c>, <c>rows</c> and <c>columns</c>.</summary>
        public static string MatrixSide(StateModel state) => state.Matrix!.Value.Rows switch
        {
            Extent.Rows => "rows",
            Extent.Columns => "columns",
            _ => "length",
        };

        public void WriteApplyCall(SourceWriter writer)
        {
            writer.Line("// The pieces Step runs over threads, here on this thread over the whole tensor: host code, then each element phase and the host code after it, if any.");
            var buffers = kernel.Arguments.ToList();
            foreach (var buffer in buffers) writer.Line("ref T " + buffer.RefName + " = ref " + GetReference + "(" + CSharp.Id(buffer.Name) + ");");
            var common = new List<string>();
            if (kernel.UsesShape) common.Add("shape");
            common.Add("length");
            common.AddRange(buffers.Select(b => "ref " + b.RefName));
            var uniform = kernel.TensorStates.Select(s => "ref " + CSharp.Id(s.Name));
            var rest = Model.States.Where(s => s.Space == Space.Matrix).Select(s => CSharp.Id(s.Name)).ToList();
            if (WorkspaceLength is not null) rest.Add("ref " + GetReference + "(workspace)");
            if (kernel.UsesMatrices) rest.Add("matrices");
            WritePiecesInOrder(writer, kernel.KernelName(kernel.Plan.Final), CSharp.Id(Model.Signature.Step), common.Concat(uniform).Concat(rest), common.Concat(rest));
        }

        /// <summary>
        /// The body of a procedure's <c>ProcedureTensor</c> case: its state, then its kernel's pieces in order on this
        /// thread (a procedure runs tensor by tensor, as the runtime's <c>RunProcedure</c> calls it).
        /// </summary>
        public void WriteProcedureTensorBody(SourceWriter writer)
        {
            WriteBuffers(writer, "// The state it uses, allocated on first use, then reused.", uniform: true);
            WritePiecesInOrder(writer, ProcedureKernels + "." + kernel.Name, "state.Step", KernelArguments(kernel.Plan.Final, host: true), KernelArguments(kernel.Plan.Final, host: false));
        }

        /// <summary>
        /// Host segment 0, then each phase over the whole tensor followed by its host segment, on this thread; the
        /// phases prefetch when the tensor alone is as large as a step's dispatch that does (<c>PrefetchAhead.Pays</c>).
        /// </summary>
        private void WritePiecesInOrder(SourceWriter writer, string kernelType, string step, IEnumerable<string> hostArguments, IEnumerable<string> phaseArguments)
        {
            var part = kernel.Plan.Final;
            string partials = "default";
            if (kernel.PartialsPerBlock(part) > 0)
            {
                string blocks = kernel.Plan.RowsAndColumns ? "" : " * global::ScratchOptim.Reductions.BlockCount(length)";
                writer.Line("using var partials = global::ScratchOptim.PartialSums.Rent(" + kernel.PartialsPerBlock(part) + blocks + ");");
                partials = "partials.Span";
            }
            string host = string.Join(", ", new[] { "hyper", step }.Concat(hostArguments).Append(partials));
            string elements = string.Join(", ", new[] { "0", "(nuint)length" }.Concat(phaseArguments).Append(partials));
            writer.Line("var kernel = new " + kernelType + "<T>();");
            writer.Line("// A tensor as large as a step's dispatch that prefetches streams from memory: the loops then ask for its data ahead.");
            writer.Line("bool prefetch = global::ScratchOptim.Simd.PrefetchAhead.Pays<T>(length);");
            // A host segment with nothing to compute is not called: its set-up, if any, the call of segment 0 did.
            var segments = KernelEmitter.HostSegments(kernel, part);
            if (segments.Count > 0) writer.Line("kernel.Host(0, " + host + ");");
            foreach (var phase in part.Phases)
            {
                writer.Line("if (prefetch) kernel.Phase" + phase.Number + "<TVector, global::ScratchOptim.Simd.PrefetchAhead>(" + elements + ");");
                writer.Line("else kernel.Phase" + phase.Number + "<TVector, global::ScratchOptim.Simd.NoPrefetch>(" + elements + ");");
                if (segments.Contains(phase.Number)) writer.Line("kernel.Host(" + phase.Number + ", " + host + ");");
            }
        }

        public void WriteMembers(SourceWriter writer, string generatedCode)
        {
            if (kernel.Plan.GroupWide) GroupEmitter.WritePhaseStructs(this, kernel, writer, generatedCode);
            for (int i = 0; i < kernel.Plan.Parts.Count; i++)
            {
                if (i > 0) writer.Line();
                KernelEmitter.Write(kernel, kernel.Plan.Parts[i], writer, generatedCode);
            }
        }

        internal static void WriteCall(SourceWriter writer, string method, List<string> arguments)
        {
            writer.Line(method + "(");
            writer.Indent();
            for (int i = 0; i < arguments.Count; i++) writer.Line(arguments[i] + (i < arguments.Count - 1 ? "," : ");"));
            writer.Outdent();
        }

        private int IndexOf(StateModel state)
        {
            for (int i = 0; i < declaredStates.Count; i++)
                if (declaredStates[i].Name == state.Name) return i;
            throw new System.InvalidOperationException("State '" + state.Name + "' is not declared.");
        }

        /// <summary>The value a state starts at, as the third argument of <c>Buffer</c> (nothing for zero).</summary>
        internal static string Initial(StateModel state)
        {
            string type = KernelEmitter.ScalarType(state.Scalar);
            if (state.Init is not null)
            {
                string hyper = "hyper." + Syntax.DslNames.PascalCase(state.Init);
                return ", " + (state.Scalar switch { Scalar.Element => "Round<T>(" + hyper + ")", Scalar.Float => "(float)" + hyper, _ => hyper });
            }
            if (state.InitialValue == 0) return "";
            return ", " + (state.Scalar switch
            {
                Scalar.Element => "Round<T>(" + CSharp.DoubleLiteral(state.InitialValue) + ")",
                Scalar.Float => CSharp.FloatLiteral(state.InitialValue),
                _ => CSharp.DoubleLiteral(state.InitialValue),
            });
        }
    }
}
