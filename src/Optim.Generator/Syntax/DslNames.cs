using System.Text;
using Microsoft.CodeAnalysis;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>The metadata names of the DSL's types, and the naming conventions shared by parser and emitter.</summary>
    internal static class DslNames
    {
        public const string OptimizerAttribute = "ScratchOptim.Dsl.OptimizerAttribute";
        public const string HyperAttribute = "ScratchOptim.Dsl.HyperAttribute";
        public const string StateAttribute = "ScratchOptim.Dsl.StateAttribute";
        public const string ProcedureAttribute = "ScratchOptim.Dsl.ProcedureAttribute";

        /// <summary>The runtime's base class of every generated optimizer, whose members a procedure must not hide.</summary>
        public const string GenericOptimizer = "ScratchOptim.Optimizer`1";
        public const string Element = "ScratchOptim.Dsl.Element";
        public const string Matrix = "ScratchOptim.Dsl.Matrix";
        public const string MatrixWorkspace = "ScratchOptim.LinearAlgebra.MatrixWorkspace`1";
        public const string Intrinsics = "ScratchOptim.Dsl.Intrinsics";
        public const string UpdateMethod = "Update";

        public static bool Is(ITypeSymbol? type, string metadataName) =>
            type is not null && type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) == metadataName;

        /// <summary><c>weightDecay</c> → <c>weight_decay</c>, PyTorch's spelling of the same name.</summary>
        public static string SnakeCase(string name)
        {
            var builder = new StringBuilder(name.Length + 4);
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (char.IsUpper(c))
                {
                    if (i > 0) builder.Append('_');
                    builder.Append(char.ToLowerInvariant(c));
                }
                else
                {
                    builder.Append(c);
                }
            }
            return builder.ToString();
        }

        /// <summary><c>weightDecay</c> → <c>WeightDecay</c>, the property name of a hyperparameter.</summary>
        public static string PascalCase(string name) =>
            name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }
}
