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

        public void WriteStepTensorBody(SourceWriter writer)
        {
            WriteStateSetUp(writer);
            WriteCall(writer, QualifiedKernelName(kernel.Plan.Final), Arguments(kernel.Plan.Final, "state.Step"));
        }

        /// <summary>A part's kernel as the step calls it: a procedure's is in <see cref="ProcedureKernels"/>.</summary>
        private string QualifiedKernelName(TensorPart part) =>
            kernel.IsProcedure ? ProcedureKernels + "." + kernel.KernelName(part) : kernel.KernelName(part);

        public void WriteStepGroupBody(SourceWriter writer) => GroupEmitter.WriteStepGroupBody(kernel, writer);

        /// <summary>
        /// The start of a tensor's step (in <c>StepTensor</c>, or in a group phase's <c>Step</c>): its length and shape, and
        /// its state buffers, allocated on the first step that can use them.
        /// </summary>
        internal void WriteStateSetUp(SourceWriter writer)
        {
            writer.Line("int length = parameter.Length;");
            if (kernel.UsesShape || kernel.Plan.RowsAndColumns)
            {
                writer.Line("var shape = ShapeOf(parameter);");
                if (kernel.Plan.RowsAndColumns || kernel.UsesMatrices) writer.Line("int rows = global::ScratchOptim.TensorShape.Rows(shape), columns = global::ScratchOptim.TensorShape.Columns(shape);");
            }
            if (Model.States.Count > 0)
                writer.Line(kernel.IsProcedure ? "// The state it uses, allocated on first use, then reused." : "// The state, allocated on the first step that can use it, then reused.");
            for (int i = 0; i < Model.States.Count; i++)
            {
                var state = Model.States[i];
                if (state.Space == Space.Group) continue;
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
                writer.Line("// The matrix work's solvers and work matrices, made on the first step, then reused.");
                writer.Line("if (state.Scratch is not " + MatrixEmitter.WorkspaceType + " matrices) state.Scratch = matrices = new " + MatrixEmitter.WorkspaceType + "();");
            }
        }

        /// <summary>The arguments of a part's kernel in a tensor's step, after <c>hyper</c>, the step count and the group's values.</summary>
        internal List<string> Arguments(TensorPart part, string step)
        {
            var arguments = new List<string> { "hyper", step };
            arguments.AddRange(part.Inputs.Select(kernel.InputName));
            if (kernel.UsesShape) arguments.Add("shape");
            arguments.Add("length");
            foreach (var buffer in kernel.Arguments)
            {
                string span = buffer.Name == Model.Signature.Param ? "parameter.Data.Span"
                    : buffer.Name == Model.Signature.Grad ? "parameter.Grad!.Value.Span"
                    : CSharp.Id(buffer.Name);
                arguments.Add("ref " + GetReference + "(" + span + ")");
            }
            arguments.AddRange(TensorStates.Select(s => (part.Final ? "ref " : "") + CSharp.Id(s.Name)));
            arguments.AddRange(Model.States.Where(s => s.Space == Space.Matrix).Select(s => CSharp.Id(s.Name)));
            if (WorkspaceLength is not null) arguments.Add("ref " + GetReference + "(workspace)");
            if (kernel.UsesMatrices) arguments.Add("matrices");
            arguments.AddRange(part.GroupSums.Select(id => "ref " + kernel.TempNames[id]));
            return arguments;
        }

        /// <summary>The per-tensor (uniform, not group) states, which the kernels take as single values.</summary>
        private IEnumerable<StateModel> TensorStates => Model.States.Where(s => s.IsUniform && s.Space != Space.Group);

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
            var arguments = new List<string> { "hyper", CSharp.Id(Model.Signature.Step) };
            if (kernel.UsesShape) arguments.Add("shape");
            arguments.Add("length");
            arguments.AddRange(kernel.Arguments.Select(b => "ref " + GetReference + "(" + CSharp.Id(b.Name) + ")"));
            arguments.AddRange(TensorStates.Select(s => "ref " + CSharp.Id(s.Name)));
            arguments.AddRange(Model.States.Where(s => s.Space == Space.Matrix).Select(s => CSharp.Id(s.Name)));
            if (WorkspaceLength is not null) arguments.Add("ref " + GetReference + "(workspace)");
            if (kernel.UsesMatrices) arguments.Add("matrices");
            WriteCall(writer, kernel.KernelName(kernel.Plan.Final), arguments);
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

        internal static void WriteCall(SourceWriter writer, string kernelName, List<string> arguments)
        {
            writer.Line(kernelName + "<T, TVector>(");
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
