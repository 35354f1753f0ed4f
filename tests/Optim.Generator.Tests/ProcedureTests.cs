using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// <c>[Procedure]</c> methods: each becomes a public method of the optimizer running its body over every element, with
/// the signatures and names the DSL allows reported when wrong (OPT040, OPT041) and its body checked like the update's.
/// </summary>
public class ProcedureTests
{
    private const string Valid = """
        [Optimizer]
        public partial class Demo
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0, Max = 1)] double decay = 0.5;
            [State] Element m;
            [State] double mode;
            void Update(ref Element p, Element g, int t)
            {
                m = g;
                p = p - lr * m;
            }

            /// <summary>Moves the weights halfway to the momentum.</summary>
            [Procedure]
            void Blend(ref Element p, int t)
            {
                if (mode == 0 && t > 0) p = Lerp(p, m, decay);
                mode = 1;
            }
        }
        """;

    [Fact]
    public void A_procedure_becomes_a_public_method_documented_from_its_declaration()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + Valid);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));

        string source = run.GeneratedSources.Single(s => s.HintName == "Demo.Demo.g.cs").SourceText.ToString();
        Assert.Contains("/// <summary>Moves the weights halfway to the momentum.</summary>", source);
        Assert.Contains("public void Blend() => RunProcedure(0);", source);
        Assert.Contains("internal struct Blend<T>", source);
        Assert.Contains("public void Host(int segment, Hyperparameters hyper, int t, int length, ref T pRef, ref T mRef, ref double mode, global::System.ReadOnlySpan<double> partials)", source);
        Assert.Contains("new(\"Blend\", \"Moves the weights halfway to the momentum.\", false,", source);

        var demo = output.GetTypeByMetadataName("Demo.Demo")!;
        var blend = Assert.Single(demo.GetMembers("Blend").OfType<IMethodSymbol>(), m => m.Parameters.Length == 0);
        Assert.Equal(Accessibility.Public, blend.DeclaredAccessibility);
    }

    [Fact]
    public void A_procedure_that_reads_the_gradient_passes_it_and_the_one_that_does_not_passes_no_gradient()
    {
        string declaration = Valid.Replace("void Blend(ref Element p, int t)\n    {", "void Blend(ref Element p, int t)\n    {\n        m = m * decay;")
            .Replace("    /// <summary>Moves", "    /// <summary>Adds the gradient to the momentum.</summary>\n    [Procedure] void Accumulate(Element g) { m = m + g; }\n\n    /// <summary>Moves");
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
        string source = run.GeneratedSources.Single(s => s.HintName == "Demo.Demo.g.cs").SourceText.ToString();

        Assert.Contains("internal struct Accumulate<T>", source);
        Assert.Contains("public void Host(int segment, Hyperparameters hyper, int stepCount, int length, ref T gRef, ref T mRef, global::System.ReadOnlySpan<double> partials)", source);
        Assert.Contains("new(\"Accumulate\", \"Adds the gradient to the momentum.\", true,", source);
        // Blend's case finds its buffers without touching the gradient, which may be missing.
        int blendCase = source.IndexOf("case 1: // Blend", System.StringComparison.Ordinal);
        Assert.True(blendCase > 0);
        string blendCaseText = source[blendCase..source.IndexOf("default:", blendCase, System.StringComparison.Ordinal)];
        Assert.DoesNotContain("parameter.Grad", blendCaseText);
    }

    [Theory]
    [InlineData("Element Blend(ref Element p, int t)")]
    [InlineData("void Blend(int t, ref Element p)")]
    [InlineData("void Blend(Element g, ref Element p)")]
    [InlineData("void Blend(ref Element p, ref Element g)")]
    [InlineData("void Blend(ref Element p, double t)")]
    [InlineData("void Blend(ref Element p, int t, int u)")]
    [InlineData("void Blend()")]
    [InlineData("static void Blend(ref Element p, int t)")]
    [InlineData("void Blend<U>(ref Element p, int t)")]
    public void A_wrong_signature_is_reported_once_at_the_procedure(string signature)
    {
        string declaration = Valid.Replace("void Blend(ref Element p, int t)", signature);
        if (signature.StartsWith("Element", System.StringComparison.Ordinal)) declaration = declaration.Replace("        mode = 1;\n", "        mode = 1;\n        return p;\n");
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        var diagnostic = Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("OPT", System.StringComparison.Ordinal));
        Assert.Equal("OPT040", diagnostic.Id);
        Assert.Contains("Procedure 'Blend'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("Step", "is the name of a member every optimizer has (ScratchOptim.Optimizer.Step)")]
    [InlineData("SaveState", "is the name of a member every optimizer has (ScratchOptim.Optimizer.SaveState)")]
    [InlineData("RunProcedure", "is the name of a member every optimizer has (ScratchOptim.Optimizer.RunProcedure)")]
    [InlineData("Update", "is the name of the update method")]
    public void A_taken_name_is_reported(string name, string reason)
    {
        string declaration = Valid.Replace("void Blend(", "void " + name + "(");
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "OPT041");
        Assert.Contains("'" + name + "' " + reason, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Two_procedures_of_one_name_are_reported_at_the_second()
    {
        string declaration = Valid.Replace("    void Update(", "    [Procedure] void Blend(Element g) { m = g; }\n    void Update(");
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "OPT041");
        Assert.Contains("is the name of another procedure of 'Demo'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // The one declared first (Blend(Element g), above the update) keeps the name.
        string text = diagnostic.Location.SourceTree!.GetText().ToString();
        Assert.StartsWith("Blend(ref Element p", text[diagnostic.Location.SourceSpan.Start..]);
    }

    [Fact]
    public void A_procedure_parameter_named_like_a_state_is_reserved()
    {
        string declaration = Valid.Replace("void Blend(ref Element p, int t)", "void Blend(ref Element m, int t)").Replace("Lerp(p, m, decay)", "m");
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        Assert.Contains(diagnostics, d => d.Id == "OPT025" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).StartsWith("'m' is also the name of a state", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_state_assigned_only_by_a_procedure_and_a_setting_read_only_by_one_count_as_used()
    {
        // mode is assigned only by Blend and decay read only there: neither OPT018 nor OPT019.
        Assert.Empty(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + Valid)));

        string withoutProcedure = Valid[..Valid.IndexOf("    /// <summary>Moves", System.StringComparison.Ordinal)] + "}\n";
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + withoutProcedure));
        Assert.Equal(["OPT018", "OPT019"], diagnostics.Select(d => d.Id).Order());
    }

    [Theory]
    [InlineData("if (mode == 0 && t > 0) p = Lerp(p, m, decay);", "for (int i = 0; i < 2; i++) { }", "OPT012")]
    [InlineData("if (mode == 0 && t > 0) p = Lerp(p, m, decay);", "if (p > 0) p = m;", "OPT015")]
    [InlineData("mode = 1;", "lr = 1;", "OPT009")]
    [InlineData("mode = 1;", "t = 1;", "OPT020")]
    public void A_procedure_body_is_checked_like_the_update(string statement, string wrong, string id)
    {
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + Valid.Replace(statement, wrong)));
        Assert.Contains(diagnostics, d => d.Id == id);
        Assert.Empty(GeneratorHarness.Generate(GeneratorHarness.Compile(GeneratorHarness.Usings + Valid.Replace(statement, wrong))).Run.GeneratedSources);
    }

    /// <summary>Valid, with a group state (one value for the whole parameter group) made by the update.</summary>
    private static readonly string GroupWide = Valid
        .Replace("[State] double mode;", "[State] double mode;\n    [State(Shape = StateShape.Group)] double level;")
        .Replace("        m = g;\n        p = p - lr * m;", "        Require(lr < 10, \"lr too large\");\n        level = GroupNorm(g);\n        m = g / (1 + level);\n        p = p - lr * m;");

    [Fact]
    public void An_optimizer_that_steps_whole_groups_keeps_its_procedures_and_requirements()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + GroupWide);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));

        string source = run.GeneratedSources.Single(s => s.HintName == "Demo.Demo.g.cs").SourceText.ToString();
        Assert.Contains("protected override void StepGroup(", source);
        Assert.Contains("protected override string? StepRefusal(", source);
        Assert.Contains("public void Blend() => RunProcedure(0);", source);
        Assert.Contains("internal struct Blend<T>", source);
    }

    [Theory]
    [InlineData("p = p * level;", "reads the group state 'level'")]
    [InlineData("level = 0;", "assigns the group state 'level'")]
    [InlineData("p = p / (1 + GroupNorm(p));", "calls GroupNorm, a reduction over every tensor of the parameter group")]
    public void A_procedure_that_uses_a_group_value_is_OPT043(string statement, string reason)
    {
        string declaration = GroupWide.Replace("        mode = 1;", "        " + statement + "\n        mode = 1;");
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(compilation), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("OPT043", diagnostic.Id);
        Assert.Contains("Procedure 'Blend' " + reason, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(GeneratorHarness.Generate(compilation).Run.GeneratedSources);
    }
}
