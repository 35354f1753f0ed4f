using System.Linq;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>The generated code compiles without a single warning under the strictest settings a user may have.</summary>
public class CompilationTests
{
    [Theory]
    [MemberData(nameof(SnapshotTests.Declarations), MemberType = typeof(SnapshotTests))]
    public void Built_in_declaration_compiles_warning_free_at_warning_level_9999(string file)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.BuiltInSource(file));
        var (output, run, _) = GeneratorHarness.Generate(compilation);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(GeneratorHarness.Analyze(compilation).Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        var diagnostics = GeneratorHarness.CompilerDiagnostics(output);
        Assert.True(diagnostics.IsEmpty, GeneratorHarness.Describe(diagnostics));
    }
}
