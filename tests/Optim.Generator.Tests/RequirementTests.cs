using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// <c>Require(condition, message)</c> at the start of the update: the generated <c>StepRefusal</c> checks it before a
/// step writes anything; anywhere else, or on a condition not known before the step, it is OPT042.
/// </summary>
public class RequirementTests
{
    private const string Valid = """
        [Optimizer]
        public partial class Demo
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State] Element m;
            [State] double ready = 1;
            void Update(ref Element p, Element g, int t)
            {
                Require(ready != 0 && t < 1000, "not ready");
                m = g;
                p = p - lr * m;
            }

            /// <summary>Stops the steps.</summary>
            [Procedure]
            void Stop(int t)
            {
                ready = 0;
            }
        }
        """;

    /// <summary>The optimizer's generated source, after checking that neither the analyzer nor the compiler reports anything.</summary>
    private static string GeneratedWithoutDiagnostics(string declaration)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
        return run.GeneratedSources.Single(s => s.HintName == "Demo.Demo.g.cs").SourceText.ToString();
    }

    [Fact]
    public void A_requirement_becomes_a_check_of_the_state_before_the_step_and_a_documented_line()
    {
        string source = GeneratedWithoutDiagnostics(Valid);

        Assert.Contains("""
                    protected override string? StepRefusal(Hyperparameters hyper, global::ScratchOptim.Parameter parameter, global::ScratchOptim.ParameterState state)
                    {
                        int t = state.Step + 1; // the step about to be taken
                        double ready = state.ValueOrInitial<double>(1, 1.0);
                        // Require(ready != 0 && t < 1000, "not ready")
                        if (!(ready != 0 && t < 1000)) return "not ready";
                        return null;
                    }
            """.Replace("\r\n", "\n"), source);
        Assert.Contains("\"Require(ready != 0 && t < 1000, \\\"not ready\\\")\",", source); // the first line of the documented update
        Assert.DoesNotContain("Require", source[source.IndexOf("private struct Kernel<", System.StringComparison.Ordinal)..]);
    }

    [Fact]
    public void A_requirement_may_read_the_parameters_shape_which_the_check_gets()
    {
        // The shape is known before any element is touched: MuonWithAuxAdam's Muon groups require matrices this way.
        string declaration = Valid.Replace("Require(ready != 0 && t < 1000, \"not ready\");",
            "Require(ready != 0 && (lr == 0 || Rank(p) == 2 && Rows(g) <= Columns(p) && Count(p) > 0), \"not a wide matrix\");");
        string source = GeneratedWithoutDiagnostics(declaration);

        Assert.Contains("""
                    protected override string? StepRefusal(Hyperparameters hyper, global::ScratchOptim.Parameter parameter, global::ScratchOptim.ParameterState state)
                    {
                        // The parameter's shape, which the checks read.
                        var shape = ShapeOf(parameter);
                        int length = parameter.Length;
                        int rows = global::ScratchOptim.TensorShape.Rows(shape), columns = global::ScratchOptim.TensorShape.Columns(shape);
            """.Replace("\r\n", "\n"), source);
        Assert.Contains("if (!(ready != 0 && (hyper.Lr == 0 || shape.Length == 2 && rows <= columns && length > 0))) return \"not a wide matrix\";", source);
    }

    [Fact]
    public void A_requirement_that_reads_only_the_rank_declares_only_the_shape()
    {
        string declaration = Valid.Replace("Require(ready != 0 && t < 1000, \"not ready\");", "Require(ready != 0 && Rank(p) == 2, \"not a matrix\");");
        string source = GeneratedWithoutDiagnostics(declaration);

        Assert.Contains("""
                    protected override string? StepRefusal(Hyperparameters hyper, global::ScratchOptim.Parameter parameter, global::ScratchOptim.ParameterState state)
                    {
                        // The parameter's shape, which the checks read.
                        var shape = ShapeOf(parameter);
                        double ready = state.ValueOrInitial<double>(1, 1.0);
                        // Require(ready != 0 && Rank(p) == 2, "not a matrix")
                        if (!(ready != 0 && shape.Length == 2)) return "not a matrix";
                        return null;
                    }
            """.Replace("\r\n", "\n"), source);
    }

    [Theory]
    [InlineData("m = g;\n        Require(ready != 0, \"not ready\");", "is not at the start of the update")]
    [InlineData("if (t > 1) Require(ready != 0, \"not ready\");", "is not at the start of the update")]
    [InlineData("Require(m != 0, \"no momentum\");", "has a condition that reads 'm', state of the parameter's element type")]
    [InlineData("Require(g > 0, \"no gradient\");", "has a condition that reads 'g', which varies per element")]
    [InlineData("Require(Sum(g) > 0, \"no gradient\");", "has a condition that reads Sum, a reduction over the tensor")]
    [InlineData("Require(GroupSum(g) > 0, \"no gradient\");", "has a condition that reads GroupSum, a reduction over the parameter group")]
    [InlineData("Require(ready != 0, lr > 0 ? \"a\" : \"b\");", "has a message that is not a constant, non-empty string")]
    public void A_requirement_that_cannot_be_checked_before_the_step_is_reported(string wrong, string reason)
    {
        string declaration = Valid.Replace("Require(ready != 0 && t < 1000, \"not ready\");", "Require(ready != 0, \"not ready\");")
            .Replace("Require(ready != 0, \"not ready\");\n        m = g;", wrong.Contains("m = g;") ? wrong : wrong + "\n        m = g;");
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "OPT042");
        Assert.Contains(reason, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(GeneratorHarness.Generate(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)).Run.GeneratedSources);
    }

    [Fact]
    public void A_procedure_may_not_require()
    {
        string declaration = Valid.Replace("        ready = 0;", "        Require(ready != 0, \"stopped already\");\n        ready = 0;");
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)), d => d.Id == "OPT042");
        Assert.Contains("is in a procedure", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_member_named_like_the_generated_StepRefusal_is_OPT025_not_broken_generated_code()
    {
        string declaration = Valid.Replace("    void Update(", "    string StepRefusal => \"mine\";\n    void Update(");
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)), d => d.Id == "OPT025");
        Assert.Contains("'StepRefusal'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_requirement_on_group_state_is_OPT042()
    {
        // StepRefusal sees one parameter's state, not its group's.
        string declaration = Valid.Replace("[State] double ready = 1;", "[State(Shape = StateShape.Group)] double ready = 1;")
            .Replace("Require(ready != 0 && t < 1000, \"not ready\");", "Require(ready != 0, \"not ready\");\n        ready = GroupNorm(g);")
            .Replace("        ready = 0;", "        m = 0;");
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)), d => d.Id == "OPT042");
        Assert.Contains("has a condition that reads 'ready', state of the whole parameter group", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
