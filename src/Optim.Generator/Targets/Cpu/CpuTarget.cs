using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// The CPU target: one generic kernel per optimizer, vectorized over 64-byte vectors with a scalar tail, and one per
    /// procedure (in the nested class <see cref="ProcedureKernels"/>).
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

        public string Schedule =>
            "new global::ScratchOptim.StepSchedule(Phases: " + kernel.Plan.Phases.Count + ", SplitsTensors: " + (kernel.SplitsTensors ? "true" : "false")
            + ", PartialsPerBlock: " + kernel.PartialsPerBlock + ", RowByRow: " + (kernel.Plan.RowsAndColumns ? "true" : "false") + ")";

        public void WriteStepHostBody(SourceWriter writer)
        {
            WriteBuffers(writer, "// The state, allocated on the first step that can use it, then reused.", uniform: true);
            var arguments = new List<string> { "segment", "hyper", "state.Step" };
            arguments.AddRange(KernelArguments(uniform: true));
            arguments.Add("partials");
            WriteCall(writer, "state.Kernel<Kernel<T>>().Host", arguments);
        }

        public void WriteStepElementsBody(SourceWriter writer)
        {
            WriteBuffers(writer, "// The state StepHost allocated.", uniform: false);
            writer.Line("ref readonly var kernel = ref state.Kernel<Kernel<T>>();");
            var arguments = new List<string> { "(nuint)from", "(nuint)to" };
            arguments.AddRange(KernelArguments(uniform: false));
            arguments.Add("partials");
            if (kernel.Plan.Phases.Count == 1)
            {
                WriteCall(writer, "kernel.Phase1<TVector>", arguments);
                return;
            }
            writer.Line("switch (phase)");
            using (writer.Block())
            {
                foreach (var phase in kernel.Plan.Phases)
                {
                    writer.Line("case " + phase.Number + ":");
                    writer.Indent();
                    WriteCall(writer, "kernel.Phase" + phase.Number + "<TVector>", arguments);
                    writer.Line("break;");
                    writer.Outdent();
                }
            }
        }

        /// <summary>Finds the parameter's buffers: its values, gradient and state, and the workspace.</summary>
        private void WriteBuffers(SourceWriter writer, string comment, bool uniform)
        {
            writer.Line("int length = parameter.Length;");
            if (kernel.UsesShape || kernel.Plan.RowsAndColumns)
            {
                writer.Line("var shape = ShapeOf(parameter);");
                if (kernel.Plan.RowsAndColumns || kernel.UsesMatrices) writer.Line("int rows = global::ScratchOptim.TensorShape.Rows(shape), columns = global::ScratchOptim.TensorShape.Columns(shape);");
            }
            if (Model.States.Any(s => uniform || !s.IsUniform)) writer.Line(comment);
            for (int i = 0; i < Model.States.Count; i++)
            {
                var state = Model.States[i];
                if (state.IsUniform && !uniform) continue;
                int index = IndexOf(state);
                string type = KernelEmitter.ScalarType(state.Scalar);
                string length = StateLength(state);
                string buffer = "state.Buffer<" + type + ">(" + index + ", " + length + Initial(state) + ")";
                var allocation = kernel.Plan.States[i].Allocation;
                if (state.IsUniform)
                {
                    if (allocation is null)
                    {
                        writer.Line("ref " + type + " " + CSharp.Id(state.Name) + " = ref " + buffer + "[0];");
                        continue;
                    }
                    // A per-tensor state no branch can use with these settings is not allocated: a local stands in for it.
                    string standIn = kernel.Namer.Claim(state.Name + "Unused");
                    writer.Line(type + " " + standIn + " = default;");
                    writer.Line("ref " + type + " " + CSharp.Id(state.Name) + " = ref " + kernel.Expressions.Uniform(allocation) + " ? ref " + buffer + "[0] : ref " + standIn + ";");
                    continue;
                }
                writer.Line("var " + CSharp.Id(state.Name) + " = " + (allocation is null ? buffer : kernel.Expressions.Uniform(allocation) + " ? " + buffer + " : default") + ";");
            }
            if (WorkspaceLength is { } workspace) writer.Line("var workspace = state.Workspace<T>(" + workspace + ");");
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

        /// <summary>The buffers (and per-tensor state, for host code) as <c>StepHost</c> and <c>StepElements</c> pass them to the kernel.</summary>
        private IEnumerable<string> KernelArguments(bool uniform)
        {
            if (kernel.UsesShape) yield return "shape";
            yield return "length";
            foreach (var buffer in kernel.Arguments)
            {
                string span = buffer.Name == Model.Signature.Param ? "parameter.Data.Span"
                    : buffer.Name == Model.Signature.Grad ? "parameter.Grad!.Value.Span"
                    : CSharp.Id(buffer.Name);
                yield return "ref " + GetReference + "(" + span + ")";
            }
            if (uniform)
                foreach (var state in Model.States.Where(s => s.IsUniform)) yield return "ref " + CSharp.Id(state.Name);
            foreach (var state in Model.States.Where(s => s.Space == Space.Matrix)) yield return CSharp.Id(state.Name);
            if (WorkspaceLength is not null) yield return "ref " + GetReference + "(workspace)";
            if (kernel.UsesMatrices) yield return "matrices";
        }

        public bool UsesMatrices => kernel.UsesMatrices;

        /// <summary>How many values a state has, as a C# expression over <c>length</c>, <c>rows</c> and <c>columns</c>.</summary>
        public static string StateLength(StateModel state) => state.Space switch
        {
            Space.Element => "length",
            Space.Row => "rows",
            Space.Column => "columns",
            Space.Matrix => state.Matrix!.Value.Rows switch { Extent.Rows => "rows * rows", Extent.Columns => "columns * columns", _ => "length * length" },
            _ => "1",
        };

        public void WriteApplyCall(SourceWriter writer)
        {
            writer.Line("// The pieces Step runs over threads, here on this thread over the whole tensor: host code, then each element phase followed by host code.");
            var buffers = kernel.Arguments.ToList();
            foreach (var buffer in buffers) writer.Line("ref T " + buffer.RefName + " = ref " + GetReference + "(" + CSharp.Id(buffer.Name) + ");");
            var common = new List<string>();
            if (kernel.UsesShape) common.Add("shape");
            common.Add("length");
            common.AddRange(buffers.Select(b => "ref " + b.RefName));
            var uniform = Model.States.Where(s => s.IsUniform).Select(s => "ref " + CSharp.Id(s.Name));
            var rest = Model.States.Where(s => s.Space == Space.Matrix).Select(s => CSharp.Id(s.Name)).ToList();
            if (WorkspaceLength is not null) rest.Add("ref " + GetReference + "(workspace)");
            if (kernel.UsesMatrices) rest.Add("matrices");
            WritePiecesInOrder(writer, "Kernel", CSharp.Id(Model.Signature.Step), common.Concat(uniform).Concat(rest), common.Concat(rest));
        }

        /// <summary>
        /// The body of a procedure's <c>ProcedureTensor</c> case: its state, then its kernel's pieces in order on this
        /// thread (a procedure runs tensor by tensor, as the runtime's <c>RunProcedure</c> calls it).
        /// </summary>
        public void WriteProcedureTensorBody(SourceWriter writer)
        {
            WriteBuffers(writer, "// The state it uses, allocated on first use, then reused.", uniform: true);
            WritePiecesInOrder(writer, ProcedureKernels + "." + kernel.Name, "state.Step", KernelArguments(uniform: true), KernelArguments(uniform: false));
        }

        /// <summary>Host segment 0, then each phase over the whole tensor followed by its host segment, on this thread.</summary>
        private void WritePiecesInOrder(SourceWriter writer, string kernelType, string step, IEnumerable<string> hostArguments, IEnumerable<string> phaseArguments)
        {
            string partials = "default";
            if (kernel.PartialsPerBlock > 0)
            {
                string blocks = kernel.Plan.RowsAndColumns ? "" : " * global::ScratchOptim.Reductions.BlockCount(length)";
                writer.Line("using var partials = global::ScratchOptim.PartialSums.Rent(" + kernel.PartialsPerBlock + blocks + ");");
                partials = "partials.Span";
            }
            string host = string.Join(", ", new[] { "hyper", step }.Concat(hostArguments).Append(partials));
            string elements = string.Join(", ", new[] { "0", "(nuint)length" }.Concat(phaseArguments).Append(partials));
            writer.Line("var kernel = new " + kernelType + "<T>();");
            writer.Line("kernel.Host(0, " + host + ");");
            foreach (var phase in kernel.Plan.Phases)
            {
                writer.Line("kernel.Phase" + phase.Number + "<TVector>(" + elements + ");");
                writer.Line("kernel.Host(" + phase.Number + ", " + host + ");");
            }
        }

        public void WriteMembers(SourceWriter writer, string generatedCode) => KernelEmitter.Write(kernel, writer, generatedCode);

        private static void WriteCall(SourceWriter writer, string method, List<string> arguments)
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
        private static string Initial(StateModel state)
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
