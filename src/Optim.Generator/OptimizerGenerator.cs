using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;
using ScratchOptim.Generator.Surface;
using ScratchOptim.Generator.Syntax;
using ScratchOptim.Generator.Targets.Cpu;

namespace ScratchOptim.Generator
{
    /// <summary>
    /// Compiles every <c>[Optimizer]</c> partial class into a vectorized optimizer: parse (Syntax: the declaration to a
    /// value-equatable, typed IR) → plan (Scheduling: phases, hoisting, rounding rewrites) → emit (Surface, with the CPU
    /// target's kernels). Errors in a declaration are reported by <see cref="OptimizerAnalyzer"/>; the generator then
    /// emits nothing for it.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class OptimizerGenerator : IIncrementalGenerator
    {
        /// <summary>Names of the tracked pipeline steps, for incrementality tests.</summary>
        public static class StepNames
        {
            public const string Parse = nameof(Parse);
            public const string Plan = nameof(Plan);
            public const string Emit = nameof(Emit);
            public const string Registry = nameof(Registry);
        }

        private static readonly string Version = typeof(OptimizerGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DslNames.OptimizerAttribute,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (syntax, cancellationToken) => Parse(syntax, cancellationToken))
                .WithTrackingName(StepNames.Parse);

            var planned = parsed
                .Select(static (parse, cancellationToken) => Plan(parse, cancellationToken))
                .WithTrackingName(StepNames.Plan);

            var emitted = planned
                .Select(static (plan, _) => Emit(plan))
                .WithTrackingName(StepNames.Emit);

            context.RegisterSourceOutput(emitted, static (output, result) =>
            {
                if (result.Failure is not null)
                    output.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, Location.None, result.Name, result.Failure));
                else if (result.Source is not null)
                {
                    output.AddSource(result.Source.HintName, SourceText.From(result.Source.Text, Encoding.UTF8));
                    output.AddSource(result.Source.Declaration.FullName + ".Source.g.cs", SourceText.From(RegistryEmitter.SourceLiteral(result.Source, Version), Encoding.UTF8));
                }
            });

            // The registry lists every optimizer of the assembly, with its generated source for readers of `optim show --code`.
            var registry = emitted
                .Select(static (result, _) => result.Source)
                .Where(static source => source is not null)
                .Collect()
                .Select(static (sources, _) => sources.Select(s => s!).OrderBy(s => s.Declaration.FullName, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(StepNames.Registry);
            context.RegisterSourceOutput(registry, static (output, sources) =>
            {
                if (sources.Count > 0)
                    output.AddSource("ScratchOptim.Generated.OptimizerRegistry.g.cs", SourceText.From(RegistryEmitter.Emit(sources, Version), Encoding.UTF8));
            });
        }

        private static ParseResult Parse(GeneratorAttributeSyntaxContext syntax, System.Threading.CancellationToken cancellationToken)
        {
            string name = syntax.TargetSymbol.ToDisplayString();
            try
            {
                var outcome = DeclarationParser.Parse((TypeDeclarationSyntax)syntax.TargetNode, (INamedTypeSymbol)syntax.TargetSymbol, syntax.SemanticModel, cancellationToken);
                return new ParseResult(name, outcome.Model, null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return new ParseResult(name, null, exception.GetType().Name + ": " + exception.Message);
            }
        }

        private static PlanResult Plan(ParseResult parse, System.Threading.CancellationToken cancellationToken)
        {
            if (parse.Model is null) return new PlanResult(parse.Name, null, default, parse.Failure);
            try
            {
                var plan = Scheduler.Plan(parse.Model, cancellationToken);
                // Each procedure is scheduled as a kernel of its own, over the states it uses.
                var procedures = parse.Model.Procedures.Select(p => Scheduler.Plan(p.AsKernelOf(parse.Model), cancellationToken)).ToEquatableArray();
                return new PlanResult(parse.Name, plan, procedures, null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return new PlanResult(parse.Name, null, default, exception.GetType().Name + ": " + exception.Message);
            }
        }

        private static EmitResult Emit(PlanResult result)
        {
            if (result.Failure is not null || result.Plan is null) return new EmitResult(result.Name, null, result.Failure);
            try
            {
                var model = result.Plan.Model;
                var procedures = model.Procedures
                    .Select((procedure, i) => new PlannedProcedure(procedure, result.Procedures[i], new CpuTarget(result.Procedures[i], procedure, model)))
                    .ToList();
                string text = SurfaceEmitter.Emit(result.Plan, new CpuTarget(result.Plan), procedures, Version);
                return new EmitResult(result.Name, new GeneratedSource(model.Declaration, model.Declaration.FullName + ".g.cs", text), null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return new EmitResult(result.Name, null, exception.GetType().Name + ": " + exception.Message);
            }
        }

        /// <summary>What the parse step hands on: the model of a valid declaration, or why the generator failed.</summary>
        internal sealed record ParseResult(string Name, OptimizerModel? Model, string? Failure);

        /// <summary>What the plan step hands on: the update's schedule and each procedure's, in declaration order.</summary>
        internal sealed record PlanResult(string Name, KernelPlan? Plan, EquatableArray<KernelPlan> Procedures, string? Failure);

        /// <summary>What the emit step hands on: one optimizer's source file, or why the generator failed.</summary>
        internal sealed record EmitResult(string Name, GeneratedSource? Source, string? Failure);

        /// <summary>One generated file.</summary>
        internal sealed record GeneratedSource(DeclarationInfo Declaration, string HintName, string Text);
    }
}
