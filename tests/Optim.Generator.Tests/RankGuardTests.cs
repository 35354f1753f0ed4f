using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// OPT050 and rank guards: an optimizer that takes parameters of any rank may do matrix work where an enclosing if
/// bounds the rank to 2 (MARS's Shampoo form: matrices orthogonalized, other tensors AdamW). Every form of guard the
/// generator accepts must really exclude tensors of three or more dimensions, and anything it cannot prove is reported
/// where the matrix work is, as before; matrix state is reported under any guard, since it is kept for every parameter.
/// </summary>
public class RankGuardTests
{
    /// <summary>An optimizer of any rank; CONDITION guards the matrix work, done in the then branch (THEN) or the else one (ELSE).</summary>
    private const string Guarded = """
        [Optimizer]
        public partial class Demo
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper] bool orthogonal = true;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                m = Lerp(m, g, orthogonal ? 0.1 : 0.2);
                if (CONDITION)
                {
                    THEN
                }
                else
                {
                    ELSE
                }
                AFTER
            }
        }
        """;

    private const string MatrixWork = "Element update = Orthogonalize(m, 5, 3.4445, -4.775, 2.0315, 1e-7, MatrixNormalization.NormPlusEpsilon, MatrixPrecision.Float32);\n            p = p - lr * update;";
    private const string ElementWork = "p = p - lr * m;";
    private const string MarkedMatrixWork = "Element update = [|Orthogonalize(m, 5, 3.4445, -4.775, 2.0315, 1e-7, MatrixNormalization.NormPlusEpsilon, MatrixPrecision.Float32)|];\n            p = p - lr * update;";

    private static string Declaration(string condition, bool matrixWorkInThen, bool marked = false, string after = "")
    {
        string matrix = marked ? MarkedMatrixWork : MatrixWork;
        return Guarded.Replace("CONDITION", condition)
            .Replace("THEN", matrixWorkInThen ? matrix : ElementWork)
            .Replace("ELSE", matrixWorkInThen ? ElementWork : matrix)
            .Replace("AFTER", after);
    }

    [Theory]
    [InlineData("Rank(p) == 2", true)]
    [InlineData("Rank(g) == 1", true)]
    [InlineData("2 == Rank(p)", true)]
    [InlineData("Rank(p) <= 2", true)]
    [InlineData("Rank(p) < 3", true)]
    [InlineData("3 > Rank(p)", true)]
    [InlineData("orthogonal && Rank(p) == 2", true)]
    [InlineData("Rank(p) == 2 && orthogonal", true)]
    [InlineData("!(Rank(p) > 2)", true)]
    [InlineData("Rank(p) == 1 || Rank(p) == 2", true)]
    [InlineData("Rank(p) > 2", false)]
    [InlineData("Rank(p) >= 3", false)]
    [InlineData("Rank(p) != 2 && Rank(p) != 1 && Rank(p) != 0", false)]
    [InlineData("!orthogonal || Rank(p) > 2", false)]
    public void Matrix_work_under_a_rank_guard_is_accepted_in_an_optimizer_of_any_rank(string condition, bool matrixWorkInThen)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + Declaration(condition, matrixWorkInThen));
        var diagnostics = GeneratorHarness.Analyze(compilation);
        Assert.True(diagnostics.IsEmpty, GeneratorHarness.Describe(diagnostics));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.NotEmpty(run.GeneratedSources);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
    }

    [Theory]
    [InlineData("Rank(p) >= 2", true)]        // 3-D and up pass it
    [InlineData("Rank(p) != 1", true)]
    [InlineData("orthogonal || Rank(p) == 2", true)]  // true for any rank when orthogonal
    [InlineData("orthogonal", true)]
    [InlineData("Rank(p) == 2", false)]       // the else branch is every other rank
    [InlineData("Rank(p) <= 2 && orthogonal", false)]
    [InlineData("Rank(p) == 3", true)]
    public void Matrix_work_that_a_tensor_of_three_dimensions_can_reach_is_OPT050(string condition, bool matrixWorkInThen)
    {
        var (source, span) = ExtractSpan(GeneratorHarness.Usings + Declaration(condition, matrixWorkInThen, marked: true));
        var compilation = GeneratorHarness.Compile(source);
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(compilation));
        Assert.Equal("OPT050", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Contains("or do it only under a rank guard such as 'if (Rank(p) == 2)'", diagnostic.GetMessage(), System.StringComparison.Ordinal);
        Assert.Empty(GeneratorHarness.Generate(compilation).Run.GeneratedSources);
    }

    [Theory]
    [InlineData("bool matrix = Rank(p) == 2;", "orthogonal && matrix", true)]
    [InlineData("bool stacked = Rank(p) > 2;", "!stacked", true)]
    [InlineData("bool matrix = Rank(p) == 2;", "orthogonal || matrix", false)]
    public void A_bool_local_set_once_guards_as_its_value(string local, string condition, bool accepted)
    {
        string declaration = Declaration(condition, matrixWorkInThen: true, marked: !accepted)
            .Replace("m = Lerp(m, g, orthogonal ? 0.1 : 0.2);", local + "\n        m = Lerp(m, g, orthogonal ? 0.1 : 0.2);");
        var (source, span) = accepted ? (GeneratorHarness.Usings + declaration, default) : ExtractSpan(GeneratorHarness.Usings + declaration);
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(source));
        if (accepted)
        {
            Assert.True(diagnostics.IsEmpty, GeneratorHarness.Describe(diagnostics));
            return;
        }
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("OPT050", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void Unguarded_matrix_work_after_guarded_work_is_still_reported()
    {
        string declaration = Declaration("Rank(p) == 2", matrixWorkInThen: true, after: "Element back = [|Transpose(Transpose(m))|];\n        p = p + back;");
        var (source, span) = ExtractSpan(GeneratorHarness.Usings + declaration);
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(source)));
        Assert.Equal("OPT050", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void Matrix_state_is_OPT050_under_a_rank_guard_too()
    {
        string declaration = Declaration("Rank(p) == 2", matrixWorkInThen: true)
            .Replace("[State] Element m;", "[State] Element m;\n    [State(Shape = StateShape.RowByRow)] Matrix left;")
            .Replace(MatrixWork, "left = Lerp([|left|], g * Transpose(g), 0.5);\n            " + MatrixWork);
        var (source, span) = ExtractSpan(GeneratorHarness.Usings + declaration);
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(source)));
        Assert.Equal("OPT050", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Contains("matrix state is kept for every parameter", diagnostic.GetMessage(), System.StringComparison.Ordinal);

        // Declared for matrices, the same state is fine.
        var bounded = GeneratorHarness.Compile(source.Replace("[Optimizer]", "[Optimizer(MaxRank = 2)]"));
        Assert.Empty(GeneratorHarness.Analyze(bounded));
    }

    [Fact]
    public void The_guarded_example_of_OPT050s_page_gets_no_diagnostic()
    {
        string page = System.IO.File.ReadAllText(System.IO.Path.Combine(GeneratorHarness.RepositoryRoot, "docs", "diagnostics", "OPT050.md")).Replace("\r\n", "\n", System.StringComparison.Ordinal);
        string fixedSection = page.Substring(page.IndexOf("## Fixed", System.StringComparison.Ordinal));
        var blocks = System.Text.RegularExpressions.Regex.Matches(fixedSection, @"^```csharp\n(.*?)^```", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.Singleline);
        string guarded = blocks[1].Groups[1].Value;
        Assert.Contains("if (Rank(p) == 2)", guarded, System.StringComparison.Ordinal);
        var compilation = GeneratorHarness.Compile(guarded);
        var diagnostics = GeneratorHarness.Analyze(compilation);
        Assert.True(diagnostics.IsEmpty, GeneratorHarness.Describe(diagnostics));
        var (output, _, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));

        // Without the guard it is the page's wrong example: OPT050.
        var unguarded = GeneratorHarness.Compile(guarded.Replace("if (Rank(p) == 2)", "if (t > 0)", System.StringComparison.Ordinal));
        Assert.Contains(GeneratorHarness.Analyze(unguarded), d => d.Id == "OPT050");
    }

    private static (string Source, TextSpan Span) ExtractSpan(string marked)
    {
        int start = marked.IndexOf("[|", System.StringComparison.Ordinal);
        int end = marked.IndexOf("|]", System.StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the declaration must mark the expected span with [| |]");
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
