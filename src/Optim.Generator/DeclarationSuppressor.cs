using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ScratchOptim.Generator.Syntax;

namespace ScratchOptim.Generator
{
    /// <summary>
    /// Silences the compiler's "never used" warnings on the parts of a declaration that only the generator reads: a
    /// hyperparameter used only to initialise a state (<c>Init = nameof(x)</c>), the update method and the procedures, which
    /// the generated kernels replace rather than call, and state fields (OPT018 reports a state the update never assigns).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DeclarationSuppressor : DiagnosticSuppressor
    {
        private static readonly SuppressionDescriptor AssignedButNeverRead = new SuppressionDescriptor(
            "OPTSPR001", "CS0414", "The generator reads this hyperparameter: its value initialises a state buffer.");

        private static readonly SuppressionDescriptor UnusedUpdate = new SuppressionDescriptor(
            "OPTSPR002", "IDE0051", "The generator compiles the update method into the optimizer's kernel; it is never called.");

        private static readonly SuppressionDescriptor UnusedProcedure = new SuppressionDescriptor(
            "OPTSPR004", "IDE0051", "The generator compiles this procedure into a public method of the optimizer; it is never called.");

        private static readonly SuppressionDescriptor StateNeverAssigned = new SuppressionDescriptor(
            "OPTSPR003", "CS0649", "The generated step keeps this state; OPT018 says when the update never assigns it.");

        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } =
            ImmutableArray.Create(AssignedButNeverRead, UnusedUpdate, UnusedProcedure, StateNeverAssigned);

        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                var tree = diagnostic.Location.SourceTree;
                if (tree is null) continue;
                var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan);
                var symbol = context.GetSemanticModel(tree).GetDeclaredSymbol(node, context.CancellationToken);
                if (symbol?.ContainingType is not { } type || !HasAttribute(type, DslNames.OptimizerAttribute)) continue;

                if (diagnostic.Id == "CS0414" && symbol is IFieldSymbol field && HasAttribute(field, DslNames.HyperAttribute))
                    context.ReportSuppression(Suppression.Create(AssignedButNeverRead, diagnostic));
                else if (diagnostic.Id == "IDE0051" && symbol is IMethodSymbol { Name: DslNames.UpdateMethod })
                    context.ReportSuppression(Suppression.Create(UnusedUpdate, diagnostic));
                else if (diagnostic.Id == "IDE0051" && symbol is IMethodSymbol procedure && HasAttribute(procedure, DslNames.ProcedureAttribute))
                    context.ReportSuppression(Suppression.Create(UnusedProcedure, diagnostic));
                else if (diagnostic.Id == "CS0649" && symbol is IFieldSymbol state && HasAttribute(state, DslNames.StateAttribute))
                    context.ReportSuppression(Suppression.Create(StateNeverAssigned, diagnostic));
            }
        }

        private static bool HasAttribute(ISymbol symbol, string metadataName) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == metadataName);
    }
}
