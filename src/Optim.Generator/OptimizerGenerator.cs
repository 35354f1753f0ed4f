using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ScratchOptim.Generator.Analysis;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Emit;
using ScratchOptim.Generator.Model;
using ScratchOptim.Generator.Parsing;

namespace ScratchOptim.Generator
{
    /// <summary>
    /// Compiles every <c>[Optimizer]</c> partial class into a vectorized optimizer: parse (to a value-equatable
    /// model) → plan (uniformity, hoisting, contraction) → emit (one file per optimizer). Errors in a declaration are
    /// reported by <see cref="OptimizerAnalyzer"/>; the generator then emits nothing for it.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class OptimizerGenerator : IIncrementalGenerator
    {
        /// <summary>Names of the tracked pipeline steps, for incrementality tests.</summary>
        public static class StepNames
        {
            public const string Parse = nameof(Parse);
            public const string Plan = nameof(Plan);
            public const string Registry = nameof(Registry);
        }

        private static readonly string Version = typeof(OptimizerGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DslNames.OptimizerAttribute,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (syntax, cancellationToken) => Parse(syntax, cancellationToken))
                .WithTrackingName(StepNames.Parse);

            var planned = parsed
                .Select(static (parse, cancellationToken) => Plan(parse, cancellationToken))
                .WithTrackingName(StepNames.Plan);

            context.RegisterSourceOutput(planned, static (output, result) => Emit(output, result));

            var registry = planned
                .Select(static (result, _) => result.Plan?.Model.Declaration)
                .Where(static declaration => declaration is not null)
                .Collect()
                .Select(static (declarations, _) => declarations.Select(d => d!).OrderBy(d => d.FullName, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(StepNames.Registry);
            context.RegisterSourceOutput(registry, static (output, declarations) =>
            {
                if (declarations.Count > 0)
                    output.AddSource("ScratchOptim.Generated.OptimizerRegistry.g.cs", SourceText.From(RegistryEmitter.Emit(declarations, Version), Encoding.UTF8));
            });
        }

        private static ParseResult Parse(GeneratorAttributeSyntaxContext syntax, System.Threading.CancellationToken cancellationToken)
        {
            string name = syntax.TargetSymbol.ToDisplayString();
            try
            {
                var outcome = DeclarationParser.Parse((ClassDeclarationSyntax)syntax.TargetNode, (INamedTypeSymbol)syntax.TargetSymbol, syntax.SemanticModel, cancellationToken);
                return new ParseResult(name, outcome.Model, null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return new ParseResult(name, null, exception.GetType().Name + ": " + exception.Message);
            }
        }

        private static PlanResult Plan(ParseResult parse, System.Threading.CancellationToken cancellationToken)
        {
            if (parse.Model is null) return new PlanResult(parse.Name, null, parse.Failure);
            try
            {
                var plan = KernelPlanner.Plan(parse.Model, cancellationToken);
                return new PlanResult(parse.Name, plan, null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return new PlanResult(parse.Name, null, exception.GetType().Name + ": " + exception.Message);
            }
        }

        private static void Emit(SourceProductionContext output, PlanResult result)
        {
            if (result.Failure is not null)
            {
                output.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, Location.None, result.Name, result.Failure));
                return;
            }
            if (result.Plan is null) return;
            string source;
            try
            {
                source = OptimizerEmitter.Emit(result.Plan, Version);
            }
            catch (Exception exception)
            {
                output.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, Location.None, result.Name, exception.GetType().Name + ": " + exception.Message));
                return;
            }
            output.AddSource(result.Plan.Model.Declaration.FullName + ".g.cs", SourceText.From(source, Encoding.UTF8));
        }

        /// <summary>What the parse step hands on: the model of a valid declaration, or why the generator failed.</summary>
        internal sealed record ParseResult(string Name, OptimizerModel? Model, string? Failure);

        /// <summary>What the plan step hands on.</summary>
        internal sealed record PlanResult(string Name, KernelPlan? Plan, string? Failure);
    }
}
