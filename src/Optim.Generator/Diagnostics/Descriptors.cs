using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ScratchOptim.Generator.Diagnostics
{
    /// <summary>
    /// The catalogue of diagnostics for optimizer declarations. IDs OPT001–OPT099 are reserved for the DSL; each has
    /// a page in docs/diagnostics with a wrong and a fixed example.
    /// </summary>
    internal static class Descriptors
    {
        private const string Category = "ScratchOptim.Dsl";
        private const string HelpRoot = "https://github.com/scratchoptim/scratchoptim/blob/main/docs/diagnostics/";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");

        private static DiagnosticDescriptor Warning(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");

        public static readonly DiagnosticDescriptor NotPartial = Error("OPT001",
            "Optimizer class is not partial",
            "Optimizer '{0}' must be declared 'partial' so that the generator can add its step loop to it");

        public static readonly DiagnosticDescriptor UnsupportedShape = Error("OPT002",
            "Optimizer class has an unsupported shape",
            "Optimizer '{0}' is {1}; an optimizer must be a plain, non-abstract, non-generic class declared directly in a namespace, with no base class and no constructor of its own (the generator writes them)");

        public static readonly DiagnosticDescriptor MissingUpdate = Error("OPT003",
            "Optimizer has no update method",
            "Optimizer '{0}' has no update method; declare 'void Update(ref Element p, Element g, int t)'");

        public static readonly DiagnosticDescriptor WrongUpdateSignature = Error("OPT004",
            "Update method has the wrong signature",
            "The update method of '{0}' is '{1}'; it must be 'void Update(ref Element p, Element g, int t)', non-generic and not static");

        public static readonly DiagnosticDescriptor DuplicateUpdate = Error("OPT005",
            "More than one update method",
            "Optimizer '{0}' declares another method named 'Update'; keep exactly one update method");

        public static readonly DiagnosticDescriptor HyperWithoutDefault = Error("OPT006",
            "Hyperparameter has no default",
            "Hyperparameter '{0}' has no default; give it a constant initializer such as '= 0.001'");

        public static readonly DiagnosticDescriptor HyperType = Error("OPT007",
            "Hyperparameter has an unsupported type",
            "Hyperparameter '{0}' {1}; a hyperparameter must be an instance field of type double, bool or int, or an enum as accessible as the optimizer");

        public static readonly DiagnosticDescriptor HyperDefaultOutOfRange = Error("OPT008",
            "Hyperparameter default is outside its range",
            "The default {1} of hyperparameter '{0}' is outside its declared range {2}");

        public static readonly DiagnosticDescriptor HyperAssigned = Error("OPT009",
            "Hyperparameter is assigned in the update",
            "Hyperparameter '{0}' is assigned in the update; hyperparameters are read-only there, so copy it into a local");

        public static readonly DiagnosticDescriptor StateType = Error("OPT010",
            "State has an unsupported type",
            "State '{0}' has type '{1}'; a state must be an Element (values of the parameter's type: per element, or per tensor, row or column as its Shape says), a float or double (one per tensor, or one per parameter group with Shape = StateShape.Group), or a Matrix with Shape RowByRow, ColumnByColumn or ElementByElement");

        public static readonly DiagnosticDescriptor DuplicateName = Error("OPT011",
            "Name declared twice",
            "'{0}' is already declared as {1}; give the local another name");

        public static readonly DiagnosticDescriptor UnsupportedStatement = Error("OPT012",
            "Statement not allowed in an update",
            "A '{0}' statement is not allowed in an update; use local declarations, assignments and if/else");

        public static readonly DiagnosticDescriptor UnsupportedCall = Error("OPT013",
            "Call to a method that is not an intrinsic",
            "'{0}' is not an intrinsic; an update may call {1} (from ScratchOptim.Dsl.Intrinsics, or System.Math's functions of those names on step-uniform values)");

        public static readonly DiagnosticDescriptor ForeignMember = Error("OPT014",
            "Member is neither hyperparameter nor state",
            "'{0}' is neither a [Hyper] nor a [State] field; an update may use only hyperparameters, state, its own parameters, locals and constants");

        public static readonly DiagnosticDescriptor ElementCondition = Error("OPT015",
            "Per-element value where a step-uniform one is required",
            "'{0}' depends on per-element values, but {1} must be step-uniform (computed from hyperparameters, the step count and per-tensor state); choose per element with '?:' on Element values instead");

        public static readonly DiagnosticDescriptor UniformLocal = Error("OPT016",
            "Step-uniform local assigned inside a branch or assigned twice",
            "Step-uniform local '{0}' must be assigned once, where it is declared at the top level of the update; choose a value with '?:' instead");

        public static readonly DiagnosticDescriptor IntegerDivision = Error("OPT017",
            "Integer division",
            "'{0}' divides two ints and truncates; write '(double)' on one operand for a real division");

        public static readonly DiagnosticDescriptor StateNeverUpdated = Warning("OPT018",
            "State is never updated",
            "State '{0}' is never assigned in the update, so it keeps its initial value; assign it or remove it");

        public static readonly DiagnosticDescriptor HyperUnused = Warning("OPT019",
            "Hyperparameter is never used",
            "Hyperparameter '{0}' is never used in the update; use it or remove it");

        public static readonly DiagnosticDescriptor UnsupportedExpression = Error("OPT020",
            "Expression not allowed in an update",
            "'{0}' is not allowed in an update; use + - * /, comparisons, && || !, ?: and the intrinsics on hyperparameters, state, parameters, locals and constants");

        public static readonly DiagnosticDescriptor LocalType = Error("OPT021",
            "Local has an unsupported type",
            "Local '{0}' has type '{1}'; a local must be an Element, double, int or bool");

        public static readonly DiagnosticDescriptor StateInit = Error("OPT022",
            "State initialised from something that is not a hyperparameter",
            "State '{0}' is initialised from '{1}', which is not a double hyperparameter of this optimizer");

        public static readonly DiagnosticDescriptor ElementBoolLocal = Error("OPT023",
            "Per-element condition stored in a local",
            "'{0}' stores a per-element condition in a local; use the comparison directly as the condition of '?:'");

        public static readonly DiagnosticDescriptor IntegerOverflow = Error("OPT024",
            "Integer overflow in step-uniform code",
            "'{0}' multiplies two ints that both grow with the step count; it overflows int after tens of thousands of steps and silently wraps around, so convert to double first, e.g. '(double)t * t'");

        public static readonly DiagnosticDescriptor ReservedName = Error("OPT025",
            "Name reserved by the generated code",
            "'{0}' {1}; give it another name");

        public static readonly DiagnosticDescriptor TooDeep = Error("OPT026",
            "Update nested too deeply",
            "This part of the update nests more than {0} levels deep; split it into locals");

        public static readonly DiagnosticDescriptor ReductionArgument = Error("OPT027",
            "Reduction over a value that does not vary",
            "{0} reduces '{1}', which is the same for every element; its argument must be a value that {2}");

        public static readonly DiagnosticDescriptor RankRange = Error("OPT028",
            "Empty or negative range of parameter ranks",
            "MinRank = {0} and MaxRank = {1} admit no parameter; both must be at least 0 and MinRank at most MaxRank");

        public static readonly DiagnosticDescriptor GroupValueFromTensor = Error("OPT029",
            "Group state computed from per-tensor values",
            "{0}; a parameter group's state is one value for all its tensors, so it can be computed only from hyperparameters, group state, group-wide locals and group reductions (GroupSum, GroupNorm, GroupMaxAbs)");

        public static readonly DiagnosticDescriptor GroupReductionUnderTensorCondition = Error("OPT030",
            "Group reduction under a per-tensor condition",
            "{0} sums over every tensor of the parameter group, but here it is inside 'if ({1})', which differs between tensors; move it out of the 'if', or make the condition depend only on hyperparameters and group values");

        public static readonly DiagnosticDescriptor DuplicateTorchName = Error("OPT031",
            "Two hyperparameters or two states share a name",
            "The {0} '{1}' of {2} '{3}' is already the {4} of {2} '{5}'; settings, state files and checkpoints find a {2} by its name or its PyTorch name, so give one of the two another Torch name");

        public static readonly DiagnosticDescriptor StateInitTwice = Error("OPT032",
            "State given two initial values",
            "State '{0}' is given two initial values, the hyperparameter '{1}' (Init) and '{2}' (its initializer); only one can fill the buffer, so remove one of them");

        public static readonly DiagnosticDescriptor HyperRangeEmpty = Error("OPT033",
            "Hyperparameter range is empty",
            "The range {1} of hyperparameter '{0}' holds no value, so no setting could pass its check; Min must be below Max, or equal to it with neither end exclusive");

        // OPT040-OPT049: procedures and requirements (OPT034-OPT039 are left to other growth of the DSL).

        public static readonly DiagnosticDescriptor ProcedureSignature = Error("OPT040",
            "Procedure has the wrong signature",
            "Procedure '{0}' is '{1}'; a procedure is an instance method 'void {0}(ref Element p, Element g, int t)' with a body, taking any of those three parameters in that order but at least one");

        public static readonly DiagnosticDescriptor ProcedureName = Error("OPT041",
            "Procedure name is taken",
            "Procedure '{0}' {1}; the generated public method '{0}()' needs a name of its own, so give the procedure another");

        public static readonly DiagnosticDescriptor RequirementPlace = Error("OPT042",
            "Requirement that cannot be checked before the step",
            "'{0}' {1}; a Require(condition, \"message\") is checked for every parameter before anything is written, so it must start the update, with a step-uniform condition and a constant message");

        public static readonly DiagnosticDescriptor GroupValueInProcedure = Error("OPT043",
            "Group value in a procedure",
            "Procedure '{0}' {1}; a procedure runs tensor by tensor, so it can use the parameter, its gradient, the step count, hyperparameters and per-tensor or per-element state, but no group state or group reduction");

        public static readonly DiagnosticDescriptor AcrossGroupsUnused = Warning("OPT044",
            "AcrossGroups without group values",
            "'AcrossGroups = true' has no effect: the update has no group state and no group reduction (GroupSum, GroupNorm, GroupMaxAbs), so its parameter groups have nothing to share; remove it");

        public static readonly DiagnosticDescriptor MatrixInProcedure = Error("OPT045",
            "Matrix work in a procedure",
            "Procedure '{0}' {1}; a procedure runs element by element, so it can use the parameter, its gradient, the step count, hyperparameters, per-element and per-tensor state and per-tensor reductions, but no matrix state or matrix operation");

        // OPT050-OPT059: matrix operations.

        public static readonly DiagnosticDescriptor MatrixRank = Error("OPT050",
            "Matrix operation in an optimizer of unbounded rank",
            "'{0}' works on the parameter as a whole matrix (rows × columns, the rows being all dimensions but the last), but '{1}' takes parameters of any rank; declare [Optimizer(MinRank = 2, MaxRank = 2)] for matrices only, or MaxRank = 2 if a vector may be a 1 × n matrix{2}");

        public static readonly DiagnosticDescriptor MatrixShapeMismatch = Error("OPT051",
            "Matrix shapes do not fit",
            "'{0}' {1}");

        public static readonly DiagnosticDescriptor MatrixUse = Error("OPT052",
            "Matrix value used where it cannot be",
            "'{0}' {1}");

        public static readonly DiagnosticDescriptor LinearAlgebraMissing = Error("OPT053",
            "Matrix operations without ScratchOptim.LinearAlgebra",
            "'{0}' is a matrix operation, which the generated kernel computes with ScratchOptim.LinearAlgebra; add a reference to it (dotnet add package ScratchOptim.LinearAlgebra)");

        public static readonly DiagnosticDescriptor InternalError = new DiagnosticDescriptor("OPT099",
            "The optimizer generator failed",
            "The generator failed on '{0}': {1}; this is a bug in ScratchOptim, please report it",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + "OPT099.md");

        /// <summary>
        /// Every descriptor above, by ID: the analyzer's supported diagnostics. Read from the fields so that declaring
        /// a descriptor is all it takes to register it (declared last, so every field is set when it is read).
        /// </summary>
        public static readonly ImmutableArray<DiagnosticDescriptor> All = typeof(Descriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null))
            .OrderBy(descriptor => descriptor.Id, System.StringComparer.Ordinal)
            .ToImmutableArray();
    }
}
