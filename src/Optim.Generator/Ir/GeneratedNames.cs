using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Generator.Ir
{
    /// <summary>
    /// The names the generated code takes for itself, which a declaration's names must not hide (OPT025): the members
    /// added to the optimizer class, the type parameters and fixed locals of its step methods, and the runtime helpers
    /// the step loops call unqualified (<c>ElementMath</c> and <c>VectorMath</c>, imported with <c>using static</c>).
    /// </summary>
    internal static class GeneratedNames
    {
        /// <summary>The members the generator adds to the optimizer class.</summary>
        public static readonly IReadOnlyList<string> ClassMembers = new[]
        {
            "defaults", "Defaults", "Documentation", "Info", "Schedule", "StepHost", "StepElements", "StepGroup", "StepGroups", "ForEachTensor", "Apply", "Kernel",
            "CreateHyperparameters", "Hyperparameters", "ProcedureTensor", "ProcedureKernels", "StepRefusal",
            "SharedHyperparameterRefusal", "SharedHyperparameterDiffers", "SharedGroupState", "ShareGroupState", "StateSizeRefusal", "MatrixStateTooLarge",
        };

        /// <summary>The type parameters, parameters and locals of the generated step methods.</summary>
        public static readonly IReadOnlyList<string> KernelLocals = new[]
        {
            "T", "TVector", "TPrefetch", "hyper", "state", "parameter", "gradient", "length", "rows", "columns", "shape", "i", "row", "column",
            "block", "blockEnd", "lane", "workspace", "segment", "phase", "from", "to", "partials", "partial", "prefetch", "kernel", "Host", "group", "groups", "matrices", "entry",
        };

        /// <summary>
        /// The runtime's helpers the step loops call by their bare names besides the operators of the catalogue. A test
        /// checks this list, with the catalogue, against the public members of ElementMath and VectorMath.
        /// </summary>
        public static readonly IReadOnlyList<string> LoopHelpers = new[]
        {
            "Round", "ElementAt", "Mask", "Select", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal", "NotEqual",
            "AddToLane", "MaxIntoLane", "SumLanes", "MaxLanes",
        };

        /// <summary>
        /// Whether a name is one the generator numbers for the parts of a group-wide step: the kernels <c>Kernel1</c>,
        /// <c>Kernel2</c>, ... and the structs <c>Phase1</c>, <c>Phase2</c>, ... it adds to the optimizer class.
        /// </summary>
        public static bool IsNumberedMember(string name) =>
            (name.StartsWith("Kernel", System.StringComparison.Ordinal) || name.StartsWith("Phase", System.StringComparison.Ordinal))
            && name.Length > (name[0] == 'K' ? 6 : 5) && name.Substring(name[0] == 'K' ? 6 : 5).All(char.IsDigit);

        /// <summary>Every name the step loops call unqualified: the catalogue's element-wise operators, their preparations and the helpers.</summary>
        public static IEnumerable<string> LoopFunctions =>
            Operators.All.Where(o => o.Kind == OperatorKind.Function && o.PerElement).Select(o => o.Name)
                .Concat(Operators.All.Where(o => o.PreparedArgument >= 0).Select(o => "Prepare" + o.Name))
                .Concat(LoopHelpers);
    }
}
