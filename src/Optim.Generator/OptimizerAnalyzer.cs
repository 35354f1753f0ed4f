using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Syntax;

namespace ScratchOptim.Generator
{
    /// <summary>
    /// Reports what is wrong with an optimizer declaration. It runs the generator's own parser, so the two never
    /// disagree; reporting from an analyzer keeps the generator's output cached across edits and lets
    /// <c>#pragma warning disable</c> and <c>.editorconfig</c> severities apply.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class OptimizerAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSyntaxNodeAction(AnalyzeClass, SyntaxKind.ClassDeclaration, SyntaxKind.RecordDeclaration);
        }

        private static void AnalyzeClass(SyntaxNodeAnalysisContext context)
        {
            var declaration = (TypeDeclarationSyntax)context.Node;
            if (declaration.AttributeLists.Count == 0) return;
            if (context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol symbol) return;
            bool declaresOptimizer = declaration.AttributeLists.SelectMany(list => list.Attributes).Any(attribute =>
                context.SemanticModel.GetTypeInfo(attribute, context.CancellationToken).Type?.ToDisplayString() == DslNames.OptimizerAttribute);
            if (!declaresOptimizer) return;

            try
            {
                var outcome = DeclarationParser.Parse(declaration, symbol, context.SemanticModel, context.CancellationToken);
                foreach (var diagnostic in outcome.Diagnostics) context.ReportDiagnostic(diagnostic);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, declaration.Identifier.GetLocation(),
                    symbol.ToDisplayString(), exception.GetType().Name + ": " + exception.Message));
            }
        }
    }
}
