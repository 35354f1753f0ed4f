using System.Collections.Generic;
using ScratchOptim.Generator.Docs;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;
using ScratchOptim.Generator.Targets;
using static ScratchOptim.Generator.Targets.CSharp;

namespace ScratchOptim.Generator.Surface
{
    /// <summary>A procedure with its schedule and the target that writes its kernel.</summary>
    internal sealed class PlannedProcedure
    {
        public PlannedProcedure(ProcedureModel procedure, KernelPlan plan, IKernelTarget target)
        {
            Procedure = procedure;
            Plan = plan;
            Target = target;
        }

        public ProcedureModel Procedure { get; }

        public KernelPlan Plan { get; }

        public IKernelTarget Target { get; }
    }

    /// <summary>
    /// Writes the public methods of an optimizer's procedures: each runs the runtime's loop over the parameters
    /// (<c>RunProcedure</c>), which calls back <c>ProcedureTensor</c> for each one; that finds the state the procedure
    /// uses and runs its kernel, written by the target into the nested class <c>ProcedureKernels</c>.
    /// </summary>
    internal static class ProcedureEmitter
    {
        public static void Write(SourceWriter writer, IReadOnlyList<PlannedProcedure> procedures, string generatedCode)
        {
            if (procedures.Count == 0) return;
            for (int i = 0; i < procedures.Count; i++)
            {
                WriteMethod(writer, procedures[i].Procedure, i, generatedCode);
                writer.Line();
            }
            WriteProcedureTensor(writer, procedures, generatedCode);
            writer.Line();
            writer.Line("/// <summary>The kernels of the procedures, each named as its procedure.</summary>");
            writer.Line(generatedCode);
            writer.Line("private static class " + Targets.Cpu.CpuTarget.ProcedureKernels);
            using (writer.Block())
            {
                for (int i = 0; i < procedures.Count; i++)
                {
                    if (i > 0) writer.Line();
                    procedures[i].Target.WriteMembers(writer, generatedCode);
                }
            }
            writer.Line();
        }

        private static void WriteMethod(SourceWriter writer, ProcedureModel procedure, int index, string generatedCode)
        {
            string which = procedure.Signature.HasGrad
                ? "For every parameter that has a gradient (the others are left alone), element by element"
                : "For every parameter, element by element";
            writer.Line("/// <summary>" + Xml(procedure.Summary) + "</summary>");
            writer.Line("/// <remarks>");
            writer.Line("/// <para>" + which + " (as declared" + (procedure.Signature.HasStep ? "; " + Xml(procedure.Signature.Step) + " is the number of steps it has taken" : "") + "):</para>");
            writer.Line("/// <code>");
            foreach (var line in EquationRenderer.TextLines(procedure.Body)) writer.Line("/// " + Xml(line));
            writer.Line("/// </code>");
            writer.Line("/// </remarks>");
            writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">Another thread is stepping, loading, saving or running a procedure on this optimizer; nothing was changed.</exception>");
            writer.Line(generatedCode);
            writer.Line("public void " + Id(procedure.Name) + "() => RunProcedure(" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ");");
        }

        private static void WriteProcedureTensor(SourceWriter writer, IReadOnlyList<PlannedProcedure> procedures, string generatedCode)
        {
            writer.Line("/// <inheritdoc/>");
            writer.Line(generatedCode);
            writer.Line("protected override void ProcedureTensor<T, TVector>(int procedure, Hyperparameters hyper, global::ScratchOptim.ParameterState state, global::ScratchOptim.Parameter<T> parameter)");
            using (writer.Block())
            {
                writer.Line("switch (procedure)");
                using (writer.Block())
                {
                    for (int i = 0; i < procedures.Count; i++)
                    {
                        writer.Line("case " + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": // " + procedures[i].Procedure.Name);
                        using (writer.Block())
                        {
                            procedures[i].Target.WriteProcedureTensorBody(writer);
                            writer.Line("break;");
                        }
                    }
                    writer.Line("default:");
                    writer.Line("    base.ProcedureTensor<T, TVector>(procedure, hyper, state, parameter);");
                    writer.Line("    break;");
                }
            }
        }
    }
}
