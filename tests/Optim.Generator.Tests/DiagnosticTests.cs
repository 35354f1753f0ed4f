using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// One minimal wrong declaration per diagnostic ID: the exact ID, severity and span (marked <c>[|…|]</c>); and the
/// fixed declaration, which gets no diagnostic and generates code that compiles.
/// </summary>
public class DiagnosticTests
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

    /// <summary>A valid declaration with matrix state, a product, a matrix Lerp and Newton–Schulz.</summary>
    private const string ValidMatrix = """
        [Optimizer(MinRank = 2, MaxRank = 2)]
        public partial class Demo
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State(Shape = StateShape.RowByRow)] Matrix left;
            void Update(ref Element p, Element g, int t)
            {
                left = Lerp(left, g * Transpose(g), 0.5);
                Element update = Orthogonalize(g, 5, 3.4445, -4.775, 2.0315, 1e-7, MatrixNormalization.ClampedNorm, MatrixPrecision.Float32);
                p = p - lr * update;
            }
        }
        """;

    /// <summary>OPT053 is about the project: its wrong declaration is compiled without ScratchOptim.LinearAlgebra.</summary>
    private const string LinearAlgebraMissing = "OPT053";

    public static IEnumerable<object[]> Cases() => new (string Id, DiagnosticSeverity Severity, string Wrong, string Fixed)[]
    {
        ("OPT001", DiagnosticSeverity.Error, Valid.Replace("public partial class Demo", "public class [|Demo|]"), Valid),
        ("OPT002", DiagnosticSeverity.Error, Valid.Replace("public partial class Demo", "public partial class [|Demo|]<T>"), Valid),
        ("OPT003", DiagnosticSeverity.Error, "[Optimizer] public partial class [|Demo|] { }", Valid),
        ("OPT004", DiagnosticSeverity.Error, Valid.Replace("void Update(ref Element p", "void [|Update|](Element p"), Valid),
        ("OPT005", DiagnosticSeverity.Error, Valid.Replace("    void Update(", "    void [|Update|]() { }\n    void Update("), Valid),
        ("OPT006", DiagnosticSeverity.Error, Valid.Replace("double lr = 0.1;", "double [|lr|];"), Valid),
        ("OPT007", DiagnosticSeverity.Error, Valid.Replace("double lr = 0.1;", "float [|lr|] = 0.1f;"), Valid),
        ("OPT008", DiagnosticSeverity.Error, Valid.Replace("double lr = 0.1;", "double lr = [|-0.1|];"), Valid),
        ("OPT033", DiagnosticSeverity.Error, Valid.Replace("[Hyper(Min = 0)] double lr = 0.1;", "[Hyper(Min = 1, [|Max = 0|])] double lr = 0.1;"),
            Valid.Replace("[Hyper(Min = 0)] double lr = 0.1;", "[Hyper(Min = 0, Max = 1)] double lr = 0.1;")),
        ("OPT009", DiagnosticSeverity.Error, Valid.Replace("m = g;", "m = g;\n        [|lr|] = 0.2;"), Valid),
        ("OPT010", DiagnosticSeverity.Error, Valid.Replace("[State] Element m;", "[State] [|int|] m;").Replace("m = g;", "").Replace("lr * m", "lr * g"), Valid),
        ("OPT011", DiagnosticSeverity.Error, Valid.Replace("m = g;", "Element [|lr|] = g;\n        m = lr;"), Valid),
        ("OPT012", DiagnosticSeverity.Error, Valid.Replace("m = g;", "m = g;\n        [|for (int i = 0; i < 2; i++) { }|]"), Valid),
        ("OPT013", DiagnosticSeverity.Error, Valid.Replace("p = p - lr * m;", "p = p - [|System.Math.Round|](lr) * m;"), Valid),
        ("OPT014", DiagnosticSeverity.Error, Valid.Replace("[State] Element m;", "[State] Element m;\n    double scale = 2;").Replace("lr * m", "[|scale|] * m"), Valid),
        ("OPT015", DiagnosticSeverity.Error, Valid.Replace("m = g;", "if ([|g > 0|]) m = g;"), Valid),
        ("OPT016", DiagnosticSeverity.Error, Valid.Replace("m = g;", "if (t > 1) { double [|s|] = lr; m = s * g; }"), Valid),
        ("OPT017", DiagnosticSeverity.Error, Valid.Replace("m = g;", "double half = [|t / 2|];\n        m = half * g;"), Valid),
        ("OPT018", DiagnosticSeverity.Warning, Valid.Replace("[State] Element m;", "[State] Element m;\n    [State] Element [|unused|];").Replace("m = g;", "m = g + unused;"), Valid),
        ("OPT019", DiagnosticSeverity.Warning, Valid.Replace("double lr = 0.1;", "double lr = 0.1;\n    [Hyper] double [|unused|] = 1;"), Valid),
        ("OPT020", DiagnosticSeverity.Error, Valid.Replace("m = g;", "m = [|new Element(1f)|];"), Valid),
        ("OPT021", DiagnosticSeverity.Error, Valid.Replace("m = g;", "long [|x|] = 1;\n        m = g * x;"), Valid),
        ("OPT022", DiagnosticSeverity.Error, Valid.Replace("[State] Element m;", "[State(Init = \"nope\")] Element [|m|];"), Valid),
        ("OPT023", DiagnosticSeverity.Error, Valid.Replace("m = g;", "bool [|positive = g > 0|];\n        m = g;"), Valid),
        ("OPT025", DiagnosticSeverity.Error, Valid.Replace("double lr = 0.1;", "double [|Lr|] = 0.1;").Replace("lr * m", "Lr * m"), Valid),
        ("OPT026", DiagnosticSeverity.Error, Valid.Replace("m = g;", "[|m = " + string.Join(" + ", Enumerable.Repeat("g", 300)) + ";|]"), Valid),
        ("OPT027", DiagnosticSeverity.Error, Valid.Replace("p = p - lr * m;", "p = p - Sum([|lr|]) * m;"), Valid),
        ("OPT028", DiagnosticSeverity.Error, Valid.Replace("[Optimizer]", "[[|Optimizer(MinRank = 2, MaxRank = 1)|]]"), Valid.Replace("[Optimizer]", "[Optimizer(MinRank = 2, MaxRank = 2)]")),
        ("OPT029", DiagnosticSeverity.Error,
            Valid.Replace("[State] Element m;", "[State] Element m;\n    [State(Shape = StateShape.Group)] double largest;").Replace("m = g;", "largest = [|Max(largest, Norm(g))|];\n        m = g / (1 + largest);"),
            Valid.Replace("[State] Element m;", "[State] Element m;\n    [State(Shape = StateShape.Group)] double largest;").Replace("m = g;", "largest = Max(largest, GroupNorm(g));\n        m = g / (1 + largest);")),
        ("OPT030", DiagnosticSeverity.Error, Valid.Replace("m = g;", "if (t > 1) m = g * [|GroupNorm(g)|];\n        else m = g;"),
            Valid.Replace("m = g;", "double norm = GroupNorm(g);\n        if (t > 1) m = g * norm;\n        else m = g;")),
        ("OPT031", DiagnosticSeverity.Error, Valid.Replace("[State] Element m;", "[State(Torch = \"buf\")] Element m;\n    [State([|Torch = \"buf\"|])] Element v;").Replace("m = g;", "m = g;\n        v = m;"),
            Valid.Replace("[State] Element m;", "[State(Torch = \"buf\")] Element m;\n    [State(Torch = \"buf2\")] Element v;").Replace("m = g;", "m = g;\n        v = m;")),
        ("OPT032", DiagnosticSeverity.Error, Valid.Replace("[State] Element m;", "[State(Init = nameof(lr))] Element m = [|1|];").Replace("m = g;", "m = m + g;"),
            Valid.Replace("[State] Element m;", "[State(Init = nameof(lr))] Element m;").Replace("m = g;", "m = m + g;")),
        ("OPT040", DiagnosticSeverity.Error, Valid.Replace("    void Update(", "    [Procedure] void [|Reset|](int t, ref Element p) { m = 0; }\n    void Update("),
            Valid.Replace("    void Update(", "    [Procedure] void Reset(ref Element p, int t) { m = 0; }\n    void Update(")),
        ("OPT041", DiagnosticSeverity.Error, Valid.Replace("    void Update(", "    [Procedure] void [|ZeroGrad|](int t) { m = 0; }\n    void Update("),
            Valid.Replace("    void Update(", "    [Procedure] void ClearMomentum(int t) { m = 0; }\n    void Update(")),
        ("OPT042", DiagnosticSeverity.Error, Valid.Replace("m = g;", "m = g;\n        [|Require(lr > 0, \"no learning rate\")|];"),
            Valid.Replace("m = g;", "Require(lr > 0, \"no learning rate\");\n        m = g;")),
        ("OPT043", DiagnosticSeverity.Error, Valid.Replace("    void Update(", "    [Procedure] void Shrink(ref Element p) { p = p / (1 + [|GroupNorm(p)|]); }\n    void Update("),
            Valid.Replace("    void Update(", "    [Procedure] void Shrink(ref Element p) { p = p / (1 + Norm(p)); }\n    void Update(")),
        ("OPT044", DiagnosticSeverity.Warning, Valid.Replace("[Optimizer]", "[Optimizer([|AcrossGroups = true|])]"),
            Valid.Replace("[Optimizer]", "[Optimizer(AcrossGroups = true)]").Replace("p = p - lr * m;", "p = p - lr * m / (1 + GroupNorm(g));")),
        ("OPT024", DiagnosticSeverity.Error, Valid.Replace("m = g;", "double decay = 1.0 / ([|t * t|]);\n        m = decay * g;"), Valid.Replace("m = g;", "double decay = 1.0 / ((double)t * t);\n        m = decay * g;")),
        ("OPT045", DiagnosticSeverity.Error, ValidMatrix.Replace("    void Update(", "    [Procedure] void Forget(ref Element p) { left = [|left * 0.5|]; }\n    void Update("),
            ValidMatrix.Replace("    void Update(", "    [State] double forget;\n    [Procedure] void Forget(ref Element p) { forget = 1; }\n    void Update(")
                .Replace("left = Lerp(left, ", "left = Lerp(left * (1 - 0.5 * forget), ").Replace("        Element update", "        forget = 0;\n        Element update")),
        ("OPT050", DiagnosticSeverity.Error, ValidMatrix.Replace("[Optimizer(MinRank = 2, MaxRank = 2)]", "[Optimizer]").Replace("left = Lerp(left, g * Transpose(g), 0.5);", "left = [|Lerp(left, g * Transpose(g), 0.5)|];"), ValidMatrix),
        ("OPT051", DiagnosticSeverity.Error, ValidMatrix.Replace("Element update = Orthogonalize(", "Element wrong = [|left|];\n        Element update = Orthogonalize("), ValidMatrix),
        ("OPT052", DiagnosticSeverity.Error, ValidMatrix.Replace("Element update = Orthogonalize(", "Element half = 0.5;\n        Matrix halves = [|half|];\n        Element update = Orthogonalize("), ValidMatrix),
        (LinearAlgebraMissing, DiagnosticSeverity.Error, ValidMatrix.Replace("left = Lerp(left, g * Transpose(g), 0.5);", "left = [|Lerp(left, g * Transpose(g), 0.5)|];"), ValidMatrix),
    }.Select(c => new object[] { c.Id, c.Severity, c.Wrong, c.Fixed });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wrong_declaration_gets_the_diagnostic_at_the_offending_code_and_the_fixed_one_gets_none(
        string id, DiagnosticSeverity severity, string wrong, string @fixed)
    {
        var (source, expectedSpan) = ExtractSpan(GeneratorHarness.Usings + wrong);
        var compilation = id == LinearAlgebraMissing ? GeneratorHarness.CompileWithoutLinearAlgebra(source) : GeneratorHarness.Compile(source);
        var diagnostics = GeneratorHarness.Analyze(compilation).Where(d => d.Id == id).ToList();

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(severity, diagnostic.Severity);
        // Positions, not text: two methods named Update have the same text, and OPT005 belongs on the wrong one.
        Assert.Equal(expectedSpan, diagnostic.Location.SourceSpan);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Descriptor.HelpLinkUri));

        var generated = GeneratorHarness.Generate(compilation);
        Assert.Empty(generated.Run.Diagnostics); // the analyzer reports; the generator stays silent and never throws
        if (severity == DiagnosticSeverity.Error) Assert.Empty(generated.Run.GeneratedSources);

        var fixedCompilation = GeneratorHarness.Compile(GeneratorHarness.Usings + @fixed);
        Assert.Empty(GeneratorHarness.Analyze(fixedCompilation));
        var (output, run, _) = GeneratorHarness.Generate(fixedCompilation);
        Assert.NotEmpty(run.GeneratedSources);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
    }

    [Fact]
    public void Every_reported_id_is_in_the_catalogue_and_has_a_test_case()
    {
        var tested = Cases().Select(c => (string)c[0]).ToHashSet();
        var catalogue = new OptimizerAnalyzer().SupportedDiagnostics.Select(d => d.Id).Where(id => id != "OPT099").ToHashSet();
        Assert.Equal(catalogue.OrderBy(x => x), tested.OrderBy(x => x));
    }

    [Theory]
    [InlineData("double lr = 0.1;", "double lr;", "OPT006")]
    [InlineData("double lr = 0.1;", "float lr = 0.1f;", "OPT007")]
    [InlineData("[State] Element m;", "[State] int m;", "OPT010")]
    public void A_wrong_member_is_reported_once_not_again_at_each_use(string member, string wrong, string id)
    {
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + Valid.Replace(member, wrong)));
        Assert.Equal(id, Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Error).Id);
    }

    [Fact]
    public void Pragma_warning_disable_suppresses_a_warning()
    {
        string declaration = Valid.Replace("double lr = 0.1;", "double lr = 0.1;\n#pragma warning disable OPT019\n    [Hyper] double unused = 1;\n#pragma warning restore OPT019");
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        Assert.DoesNotContain(diagnostics, d => d.Id == "OPT019");

        var unsuppressed = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration.Replace("#pragma warning disable OPT019\n", "")));
        Assert.Contains(unsuppressed, d => d.Id == "OPT019");
    }

    private static (string Source, TextSpan Span) ExtractSpan(string marked)
    {
        int start = marked.IndexOf("[|", System.StringComparison.Ordinal);
        int end = marked.IndexOf("|]", System.StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the wrong declaration must mark the expected span with [| |]");
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
