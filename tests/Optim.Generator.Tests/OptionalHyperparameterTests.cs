using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// A <c>double?</c> hyperparameter (PyTorch's <c>None</c>): used through <c>??</c> or compared with null it compiles to
/// a nullable setting; used bare, where a number is needed, it is a mistake reported at the use.
/// </summary>
public class OptionalHyperparameterTests
{
    private const string Declaration = """
        [Optimizer]
        public partial class Floored
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0)] double? floor = null;
            void Update(ref Element p, Element g, int t)
            {
                USE
            }
        }
        """;

    [Theory]
    [InlineData("p = p - lr * Max(g, floor ?? 0);")]
    [InlineData("if (floor != null) g = Max(g, floor.Value);\n        p = p - lr * g;")]
    [InlineData("if (floor.HasValue) g = Max(g, floor.Value);\n        p = p - lr * g;")]
    public void A_guarded_use_generates_a_nullable_setting_that_compiles(string use)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + Declaration.Replace("USE", use));
        Assert.Empty(GeneratorHarness.Analyze(compilation));

        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
        string generated = string.Concat(run.GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.Contains("public double? Floor", generated, System.StringComparison.Ordinal);
        Assert.Contains("double? floor = null", generated, System.StringComparison.Ordinal); // the constructor's default stays PyTorch's None
    }

    [Fact]
    public void A_bare_use_is_reported_at_the_use()
    {
        string source = GeneratorHarness.Usings + Declaration.Replace("USE", "if (floor > 0) g = g * 2;\n        p = p - lr * g;");
        var compilation = GeneratorHarness.Compile(source);
        var error = Assert.Single(GeneratorHarness.Analyze(compilation), d => d.Severity == DiagnosticSeverity.Error);

        Assert.Equal("OPT020", error.Id);
        int use = source.IndexOf("floor > 0", System.StringComparison.Ordinal);
        Assert.Equal(use, error.Location.SourceSpan.Start);
        Assert.Equal("floor".Length, error.Location.SourceSpan.Length);
        Assert.Empty(GeneratorHarness.Generate(compilation).Run.GeneratedSources);
    }
}
