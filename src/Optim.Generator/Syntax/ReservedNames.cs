using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>
    /// Checks a declaration's names against the ones the generated code takes (<see cref="GeneratedNames"/>) and the
    /// members of the generated Hyperparameters class. Each check returns why the name is reserved, or null when it is
    /// free.
    /// </summary>
    internal static class ReservedNames
    {
        /// <summary>The members of the generated Hyperparameters class and of its base class.</summary>
        private static readonly string[] HyperparameterMembers =
            { "Optimizer", "Clone", "Get", "Set", "Check", "CheckRange", "Convert", "UnknownName", "MemberwiseClone", "GetType", "ToString", "Equals", "GetHashCode", "ReferenceEquals", "Hyperparameters" };

        /// <summary>Parameters of the generated constructor and setters.</summary>
        private static readonly string[] ConstructorNames = { "parameters", "groups", "value" };

        /// <summary>The class itself, or any of its members (<paramref name="isType"/>: the class or a nested type).</summary>
        public static string? ForClassMember(string name, bool isType) =>
            GeneratedNames.ClassMembers.Contains(name) || GeneratedNames.IsNumberedMember(name) ? "is the name of a member the generator adds to the optimizer class"
            : GeneratedNames.LoopFunctions.Contains(name) ? "is the name of an operation the generated step loop calls"
            : isType && name is "nuint" or "nint" or "T" or "TVector" or "TPrefetch" ? "is the name of a type the generated step loop uses"
            : null;

        /// <summary>A hyperparameter, which becomes a constructor parameter, a private field and a PascalCase property.</summary>
        public static string? ForHyper(string name)
        {
            string property = DslNames.PascalCase(name);
            if (IsKeyword(name)) return "is a C# keyword";
            if (property == name) return "does not start with a lower-case letter, so it would have the same name as its generated property";
            if (HyperparameterMembers.Contains(property)) return "would become the property '" + property + "', a name the generated Hyperparameters class already has";
            if (ConstructorNames.Contains(name)) return "is a name the generated constructor and setters use";
            return null;
        }

        /// <summary>A name the step methods declare: a state, a parameter of the update or a local.</summary>
        public static string? ForStepName(string name)
        {
            if (IsKeyword(name)) return "is a C# keyword";
            if (GeneratedNames.KernelLocals.Contains(name) || name is "Apply" or "Kernel" or "ForEachTensor" || GeneratedNames.IsNumberedMember(name)) return "is a name the generated step loop uses";
            if (GeneratedNames.LoopFunctions.Contains(name)) return "is the name of an operation the generated step loop calls";
            return null;
        }

        private static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;
    }
}
