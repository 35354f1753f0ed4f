using System.Linq;
using ScratchOptim.Generator.Docs;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;

namespace ScratchOptim.Generator.Targets.Cpu
{
    /// <summary>
    /// Writes the step of an optimizer with group values: <c>StepGroup</c>, the group's host code around one pass per
    /// part over the group's tensors, and per part a small struct that runs the pieces of the part's kernel on one
    /// tensor, with the group values it reads and the group sums it adds to (the runtime's <c>ForEachTensor</c> runs its
    /// host code on each tensor that has a gradient, in the group's order, and its element phases over the threads).
    /// When the group values span all groups (<see cref="OptimizerModel.AcrossGroups"/>), the same code is the body of
    /// <c>StepGroups</c>: it runs once per step, with the first group's hyperparameters and state, and each pass goes
    /// over the tensors of every group.
    /// </summary>
    internal static class GroupEmitter
    {
        private const string TensorPhase = "global::ScratchOptim.ITensorPhase<Hyperparameters>";

        /// <summary>The body of <c>StepGroup(group, state)</c>, or across groups of <c>StepGroups(groups)</c>.</summary>
        public static void WriteStepGroupBody(CpuKernel kernel, SourceWriter writer)
        {
            var plan = kernel.Plan;
            bool across = plan.Model.AcrossGroups;
            if (across) writer.Line("// One set of group values for the whole optimizer: the first group's hyperparameters and state, sums over every group.");
            writer.Line(across ? "var hyper = groups[0].Hyper;" : "var hyper = group.Hyper;");
            var states = plan.Model.States.Select((state, index) => (State: state, Index: index)).Where(s => s.State.Space == Space.Group).ToList();
            if (states.Count > 0)
            {
                writer.Line(across ? "// The shared state, allocated on the first step, then reused." : "// The group's state, allocated on its first step, then reused.");
                if (across) writer.Line("var state = SharedGroupState;");
                foreach (var (state, index) in states)
                {
                    string type = KernelEmitter.ScalarType(state.Scalar);
                    writer.Line("ref " + type + " " + CSharp.Id(state.Name) + " = ref state.Buffer<" + type + ">(" + index + ", 1" + CpuTarget.Initial(state) + ")[0];");
                }
            }
            writer.Line();

            for (int segment = 0; segment < plan.GroupSegments.Count; segment++)
            {
                WriteSegment(kernel, writer, segment);
                if (segment < plan.Parts.Count) WritePart(kernel, writer, plan.Parts[segment]);
            }

            if (plan.GroupCommits.Count > 0)
            {
                writer.Line(across
                    ? "// The new shared state, now that every tensor has read what it needed of the old; every group holds a copy."
                    : "// The group's new state, now that every tensor has read what it needed of the old.");
                foreach (var commit in plan.GroupCommits) writer.Line(CSharp.Id(commit.State) + " = " + kernel.TempNames[commit.TempId] + ";");
                if (across) writer.Line("ShareGroupState();");
            }
            writer.RemoveTrailingBlankLine();
        }

        private static void WriteSegment(CpuKernel kernel, SourceWriter writer, int segment)
        {
            var items = kernel.Plan.GroupSegments[segment].Items;
            if (items.Count == 0) return;
            bool across = kernel.Plan.Model.AcrossGroups;
            writer.Line(segment == 0
                ? across ? "// Once per step, before the tensors: the shared values they read, in double." : "// Once per group, before its tensors: the group-wide values they read, in double."
                : "// After group phase " + segment + ": what the " + (across ? "sums over every group give, once for the whole optimizer" : "group's sums give, once for the whole group") + ", in double.");
            foreach (var item in items)
            {
                switch (item)
                {
                    case HostAssign { Statement: var assign }:
                        writer.Line(KernelEmitter.ScalarType(assign.Target.Type.Scalar) + " " + CSharp.Id(assign.Target.Name) + " = " + kernel.Expressions.Uniform(assign.Value!) + ";");
                        break;
                    case GroupStateAssign assign:
                        // A new value of its own: the tensors' later phases still read the old one where the update did.
                        writer.Line("// " + EquationRenderer.Text(assign.Declared));
                        writer.Line(KernelEmitter.ScalarType(assign.Declared.Target.Type.Scalar) + " " + kernel.TempNames[assign.TempId] + " = "
                            + kernel.Expressions.Uniform(kernel.Plan.Temps[assign.TempId].Definition) + ";");
                        break;
                }
            }
            writer.Line();
        }

        private static void WritePart(CpuKernel kernel, SourceWriter writer, TensorPart part)
        {
            var plan = kernel.Plan;
            bool across = plan.Model.AcrossGroups;
            string tensors = across ? "every tensor of every group that has a gradient, group after group" : "every tensor of the group that has a gradient, in the group's order";
            string sums = string.Join(", ", part.GroupSums.Select(id => kernel.TempNames[id]));
            string which = plan.Parts.Count == 1 ? "// " : "// Group phase " + part.Number + " of " + plan.Parts.Count + ": ";
            writer.Line(which + (part.Final
                ? "the update of " + tensors + (sums.Length > 0 ? "; each also adds its share to " + sums : "") + "."
                : tensors + ", adds its share to " + sums
                    + " (each tensor's blocks in their fixed order, then tensor by tensor in double: the same bits for every vector width and thread count); nothing is stored."));
            string local = kernel.PhaseLocals[part.Number - 1];
            string initializer = string.Join(", ", part.Inputs.Select(input => kernel.InputName(input) + " = " + kernel.InputName(input)));
            writer.Line("var " + local + " = new " + CpuKernel.PhaseName(part) + (initializer.Length > 0 ? " { " + initializer + " }" : "()") + ";");
            string run = "ForEachTensor(" + (across ? "groups" : "group") + ", ref " + local + ");";
            writer.Line(part.Guard is null ? run : "if (" + kernel.Expressions.Uniform(part.Guard) + ") " + run);
            foreach (int sum in part.GroupSums) writer.Line("double " + kernel.TempNames[sum] + " = " + local + "." + kernel.TempNames[sum] + ";");
            writer.Line();
        }

        /// <summary>One struct per part: what it reads of the group, the sums it adds to, and its step on one tensor.</summary>
        public static void WritePhaseStructs(CpuTarget target, CpuKernel kernel, SourceWriter writer, string generatedCode)
        {
            var plan = kernel.Plan;
            foreach (var part in plan.Parts)
            {
                string kernelName = kernel.KernelName(part);
                writer.Line("/// <summary>");
                writer.Line("/// Group phase " + part.Number + " of " + plan.Parts.Count + " on one tensor: the pieces of <see cref=\"" + kernelName + "{T}\"/> with the group's values it reads"
                    + (part.GroupSums.Count > 0 ? ", its host code adding the tensor's share to the group's sums." : "."));
                writer.Line("/// </summary>");
                writer.Line(generatedCode);
                writer.Line("private struct " + CpuKernel.PhaseName(part) + " : " + TensorPhase);
                using (writer.Block())
                {
                    if (part.Inputs.Count > 0)
                    {
                        writer.Line("// What the phase reads of the group.");
                        foreach (var input in part.Inputs) writer.Line("public " + CpuKernel.InputType(input) + " " + kernel.InputName(input) + ";");
                        writer.Line();
                    }
                    if (part.GroupSums.Count > 0)
                    {
                        writer.Line("// The group's sums: each tensor's host code adds its share in turn, in the group's order.");
                        foreach (int sum in part.GroupSums) writer.Line("public double " + kernel.TempNames[sum] + ";");
                        writer.Line();
                    }
                    writer.Line("/// <inheritdoc/>");
                    writer.Line("public readonly global::ScratchOptim.StepSchedule Schedule => " + target.ScheduleOf(part) + ";");
                    writer.Line();
                    writer.Line("/// <inheritdoc/>");
                    writer.Line("public void Host<T>(int segment, Hyperparameters hyper, global::ScratchOptim.ParameterState state, global::ScratchOptim.Parameter<T> parameter, global::System.ReadOnlySpan<double> partials)");
                    writer.Indent();
                    writer.Line("where T : unmanaged, global::System.Numerics.IBinaryFloatingPointIeee754<T>");
                    writer.Outdent();
                    using (writer.Block()) target.WriteHostBody(writer, part);
                    writer.Line();
                    writer.Line("/// <inheritdoc/>");
                    writer.Line("public readonly void Elements<T, TVector, TPrefetch>(int phase, Hyperparameters hyper, global::ScratchOptim.ParameterState state, global::ScratchOptim.Parameter<T> parameter, int from, int to, global::System.Span<double> partials)");
                    writer.Indent();
                    writer.Line("where T : unmanaged, global::System.Numerics.IBinaryFloatingPointIeee754<T>");
                    writer.Line("where TVector : struct, global::ScratchOptim.Simd.ISimd<TVector, T>");
                    writer.Line("where TPrefetch : struct, global::ScratchOptim.Simd.IPrefetch");
                    writer.Outdent();
                    using (writer.Block()) target.WriteElementsBody(writer, part);
                }
                writer.Line();
            }
        }
    }
}
