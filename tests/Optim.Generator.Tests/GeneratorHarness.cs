using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// Runs the generator and the analyzer in memory on declaration sources, against the .NET 10 reference assemblies
/// plus the DSL and the runtime, with step tracking on.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The usings and namespace a test declaration starts with, as a user's declaration file would.</summary>
    public const string Usings = "using ScratchOptim.Dsl;\nusing static ScratchOptim.Dsl.Intrinsics;\nnamespace Demo;\n";

    private static readonly ImmutableArray<MetadataReference> References = Basic.Reference.Assemblies.Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(ScratchOptim.Dsl.Element).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(ScratchOptim.Optimizer).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(ScratchOptim.LinearAlgebra.MatrixWorkspace<>).Assembly.Location))
        .ToImmutableArray();

    public static string RepositoryRoot { get; } = typeof(GeneratorHarness).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The declaration files of the built-in optimizers.</summary>
    public static IEnumerable<string> BuiltInDeclarations() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "src", "Optim.Library"), "*.cs")
            .Where(f => File.ReadAllText(f).Contains("[Optimizer(", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);

    /// <summary>The source of a built-in declaration, by file name (<c>Adam.cs</c>).</summary>
    public static string BuiltInSource(string file) => File.ReadAllText(Path.Combine(RepositoryRoot, "src", "Optim.Library", file));

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Declarations",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Declaration{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Default));

    /// <summary>As <see cref="Compile"/>, in a project that does not reference ScratchOptim.LinearAlgebra.</summary>
    public static CSharpCompilation CompileWithoutLinearAlgebra(params string[] sources) =>
        Compile(sources).RemoveReferences(References.Where(r => r.Display?.EndsWith("ScratchOptim.LinearAlgebra.dll", StringComparison.Ordinal) == true));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new OptimizerGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the compilation with the generated sources and the run's result.</summary>
    public static (Compilation Output, GeneratorRunResult Run, GeneratorDriver Driver) Generate(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, driver.GetRunResult().Results.Single(), driver);
    }

    /// <summary>The analyzer's diagnostics on <paramref name="compilation"/>.</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation) =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new OptimizerAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Every compiler diagnostic of <paramref name="compilation"/> at warning level 9999 that a user would see: hidden
    /// ones excluded, and the DSL's suppressor applied as it is in a real build.
    /// </summary>
    public static ImmutableArray<Diagnostic> CompilerDiagnostics(Compilation compilation) =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationSuppressor()))
            .GetAllDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)
            .ToImmutableArray();

    /// <summary>Emits <paramref name="output"/> (a compilation with the generated sources) and loads it.</summary>
    public static Assembly Load(Compilation output)
    {
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Xunit.Assert.True(emitted.Success, Describe(emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    /// <summary>
    /// Declarations (each after <see cref="Usings"/>) generated and loaded, after checking that neither the analyzer nor
    /// the generator reports anything.
    /// </summary>
    public static Assembly Build(params string[] declarations)
    {
        var compilation = Compile(declarations.Select(d => Usings + d).ToArray());
        Xunit.Assert.Empty(Analyze(compilation));
        var (output, run, _) = Generate(compilation);
        Xunit.Assert.Empty(run.Diagnostics);
        return Load(output);
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}
