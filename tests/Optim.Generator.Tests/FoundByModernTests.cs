using System.Linq;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>Generator bugs found while declaring the modern optimizers, each fixed and kept as a regression test.</summary>
public class FoundByModernTests
{
    private const string Valid = """
        [Optimizer]
        public partial class Demo
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                m = g;
                p = p - lr * m;
            }
        }
        """;

    [Theory]
    [InlineData("if (t > 1) { double s = lr; m = s * g; }")]
    [InlineData("double s;\n        if (t > 1) s = lr;\n        m = g;")]
    public void A_step_uniform_local_declared_in_a_branch_is_reported_once_not_again_at_its_uses(string statement)
    {
        var declaration = Valid.Replace("m = g;", statement);
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        Assert.Equal("OPT016", Assert.Single(diagnostics).Id);
    }

    [Theory]
    [InlineData("Element correction = 1 - Pow(0.9, t);\n        m = g / Sqrt(correction);")]
    [InlineData("Element scale = lr;\n        m = Max(g, Abs(scale)) * Exp(scale);")]
    public void An_Element_local_holding_a_step_uniform_value_can_meet_an_intrinsic(string statement)
    {
        var declaration = Valid.Replace("m = g;", statement);
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.NotEmpty(run.GeneratedSources);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
    }
}
