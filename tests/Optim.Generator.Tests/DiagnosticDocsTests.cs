using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The diagnostic catalogue in docs/diagnostics cannot drift from the analyzer: every diagnostic has its page with the
/// descriptor's title, severity, category and message; the README's table lists exactly the released rules; and each
/// page's wrong example really gets its diagnostic while its fixed example gets none and generates code that compiles.
/// The mistakes the README says the C# compiler catches (CS0165, CS0029) are checked here too.
/// </summary>
public class DiagnosticDocsTests
{
    private static readonly string Docs = Path.Combine(GeneratorHarness.RepositoryRoot, "docs", "diagnostics");

    /// <summary>OPT099 is a bug report, not a mistake in a declaration: no declaration can be shown to produce it.</summary>
    private const string InternalError = "OPT099";

    /// <summary>OPT053's mistake is in the project file: its wrong example compiles without ScratchOptim.LinearAlgebra.</summary>
    private const string LinearAlgebraMissing = "OPT053";

    private static ImmutableArray<DiagnosticDescriptor> Descriptors => new OptimizerAnalyzer().SupportedDiagnostics;

    public static IEnumerable<object[]> Ids() => Descriptors.Select(d => new object[] { d.Id });

    public static IEnumerable<object[]> IdsWithExamples() => Descriptors.Where(d => d.Id != InternalError).Select(d => new object[] { d.Id });

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_diagnostic_has_a_page_that_states_its_descriptor(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        string path = Path.Combine(Docs, id + ".md");
        Assert.True(File.Exists(path), $"{id} has no page: expected {path}");
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);

        string page = File.ReadAllText(path);
        Assert.StartsWith("# " + id + ": " + descriptor.Title, page, StringComparison.Ordinal);
        Assert.Contains("| Severity | " + descriptor.DefaultSeverity + " |", page, StringComparison.Ordinal);
        Assert.Contains("| Category | " + descriptor.Category + " |", page, StringComparison.Ordinal);
        Assert.Contains("| Message | " + descriptor.MessageFormat + " |", page, StringComparison.Ordinal);
        Assert.Contains("## Why it is reported", page, StringComparison.Ordinal);
        Assert.Contains("## Wrong", page, StringComparison.Ordinal);
        Assert.Contains("## Fixed", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_belongs_to_a_diagnostic()
    {
        var ids = Descriptors.Select(d => d.Id + ".md").ToHashSet(StringComparer.Ordinal);
        var orphans = Directory.GetFiles(Docs, "*.md").Select(Path.GetFileName).Where(f => f != "README.md" && !ids.Contains(f!)).ToList();
        Assert.True(orphans.Count == 0, "Pages without a diagnostic: " + string.Join(", ", orphans));
    }

    [Fact]
    public void The_readme_table_lists_exactly_the_released_rules_with_their_severities()
    {
        var released = ReleasedRules();
        var table = Regex.Matches(File.ReadAllText(Path.Combine(Docs, "README.md")), @"^\| \[(OPT\d{3})\]\((OPT\d{3})\.md\) \| (\w+) \| (.+?) \|\s*$", RegexOptions.Multiline)
            .Select(m =>
            {
                Assert.Equal(m.Groups[1].Value, m.Groups[2].Value); // the link goes to the ID's own page
                return (Id: m.Groups[1].Value, Severity: m.Groups[3].Value, Title: m.Groups[4].Value);
            })
            .ToList();

        Assert.Equal(table.Count, table.Select(r => r.Id).Distinct().Count());
        Assert.Equal(released.OrderBy(r => r.Key).Select(r => r.Key + " " + r.Value), table.OrderBy(r => r.Id).Select(r => r.Id + " " + r.Severity));
        foreach (var row in table) Assert.Equal(Descriptors.Single(d => d.Id == row.Id).Title, row.Title);
    }

    [Fact]
    public void The_released_rules_are_exactly_the_analyzers_diagnostics()
    {
        var released = ReleasedRules();
        Assert.Equal(released.Keys.OrderBy(id => id), Descriptors.Select(d => d.Id).OrderBy(id => id));
        foreach (var descriptor in Descriptors) Assert.Equal(descriptor.DefaultSeverity.ToString(), released[descriptor.Id]);
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public void Every_page_has_a_wrong_and_a_fixed_csharp_example(string id)
    {
        var (wrong, @fixed) = Examples(id);
        Assert.False(string.IsNullOrWhiteSpace(wrong), $"{id}.md: no ```csharp block under '## Wrong'");
        Assert.False(string.IsNullOrWhiteSpace(@fixed), $"{id}.md: no ```csharp block under '## Fixed'");
        Assert.NotEqual(wrong, @fixed);
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public void The_wrong_example_gets_its_diagnostic_and_the_fixed_one_none(string id)
    {
        var (wrong, @fixed) = Examples(id);
        var descriptor = Descriptors.Single(d => d.Id == id);

        var wrongCompilation = id == LinearAlgebraMissing ? GeneratorHarness.CompileWithoutLinearAlgebra(wrong) : GeneratorHarness.Compile(wrong);
        Assert.True(wrongCompilation.GetDiagnostics().All(d => d.Severity != DiagnosticSeverity.Error),
            $"{id}.md: the wrong example should only be wrong for the DSL, but C# rejects it:{Environment.NewLine}{GeneratorHarness.Describe(wrongCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))}");
        var reported = GeneratorHarness.Analyze(wrongCompilation);
        var diagnostic = reported.FirstOrDefault(d => d.Id == id);
        Assert.True(diagnostic is not null, $"{id}.md: the wrong example does not get {id}; it gets:{Environment.NewLine}{GeneratorHarness.Describe(reported)}");
        Assert.Equal(descriptor.DefaultSeverity, diagnostic!.Severity);
        var wrongRun = GeneratorHarness.Generate(wrongCompilation).Run;
        Assert.Null(wrongRun.Exception);
        Assert.Empty(wrongRun.Diagnostics);
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            Assert.DoesNotContain(wrongRun.GeneratedSources, s => !s.HintName.Contains("OptimizerRegistry", StringComparison.Ordinal));

        var fixedCompilation = GeneratorHarness.Compile(@fixed);
        var fixedDiagnostics = GeneratorHarness.Analyze(fixedCompilation);
        Assert.True(fixedDiagnostics.IsEmpty, $"{id}.md: the fixed example still gets:{Environment.NewLine}{GeneratorHarness.Describe(fixedDiagnostics)}");
        var (output, run, _) = GeneratorHarness.Generate(fixedCompilation);
        Assert.Empty(run.Diagnostics);
        Assert.Contains(run.GeneratedSources, s => !s.HintName.Contains("OptimizerRegistry", StringComparison.Ordinal));
        var compiled = GeneratorHarness.CompilerDiagnostics(output);
        Assert.True(compiled.IsEmpty, $"{id}.md: the fixed example does not compile warning-free:{Environment.NewLine}{GeneratorHarness.Describe(compiled)}");
    }

    [Fact]
    public void An_editorconfig_severity_of_none_suppresses_a_warning_and_error_promotes_it()
    {
        var (wrong, _) = Examples("OPT018");
        var compilation = GeneratorHarness.Compile(wrong);
        Assert.Contains(GeneratorHarness.Analyze(compilation), d => d.Id == "OPT018" && d.Severity == DiagnosticSeverity.Warning);

        var suppressed = WithEditorConfig(compilation, "root = true\n\n[*.cs]\ndotnet_diagnostic.OPT018.severity = none\n");
        Assert.DoesNotContain(GeneratorHarness.Analyze(suppressed), d => d.Id == "OPT018");

        var promoted = WithEditorConfig(compilation, "root = true\n\n[*.cs]\ndotnet_diagnostic.OPT018.severity = error\n");
        Assert.Contains(GeneratorHarness.Analyze(promoted), d => d.Id == "OPT018" && d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Pragma_warning_disable_suppresses_each_warning_level_diagnostic()
    {
        foreach (var descriptor in Descriptors.Where(d => d.DefaultSeverity == DiagnosticSeverity.Warning))
        {
            var (wrong, _) = Examples(descriptor.Id);
            string suppressed = "#pragma warning disable " + descriptor.Id + "\n" + wrong;
            Assert.Contains(GeneratorHarness.Analyze(GeneratorHarness.Compile(wrong)), d => d.Id == descriptor.Id);
            Assert.DoesNotContain(GeneratorHarness.Analyze(GeneratorHarness.Compile(suppressed)), d => d.Id == descriptor.Id);
        }
    }

    [Fact]
    public void A_local_used_before_it_is_assigned_is_the_compilers_CS0165_and_the_generator_adds_nothing_broken()
    {
        CompilerCatchesIt("CS0165", GeneratorHarness.Usings + """
            [Optimizer]
            public partial class Demo
            {
                [Hyper(Min = 0)] double lr = 0.1;
                [Hyper] bool clip = false;
                void Update(ref Element p, Element g, int t)
                {
                    Element step;
                    if (clip) step = Clamp(g, -1, 1);
                    p = p - lr * step;
                }
            }
            """);
    }

    [Fact]
    public void A_per_element_value_assigned_to_scalar_state_is_the_compilers_CS0029_and_the_generator_adds_nothing_broken()
    {
        CompilerCatchesIt("CS0029", GeneratorHarness.Usings + """
            [Optimizer]
            public partial class Demo
            {
                [Hyper(Min = 0)] double lr = 0.1;
                [State] float scale = 1;
                void Update(ref Element p, Element g, int t)
                {
                    scale = g;
                    p = p - lr * scale * g;
                }
            }
            """);
    }

    [Fact]
    public void A_per_element_value_assigned_to_a_scalar_local_is_the_compilers_CS0029_and_the_generator_adds_nothing_broken()
    {
        CompilerCatchesIt("CS0029", GeneratorHarness.Usings + """
            [Optimizer]
            public partial class Demo
            {
                [Hyper(Min = 0)] double lr = 0.1;
                void Update(ref Element p, Element g, int t)
                {
                    double step = lr * g;
                    p = p - step;
                }
            }
            """);
    }

    /// <summary>
    /// The compiler reports <paramref name="id"/> in the declaration; the generator neither throws nor reports an
    /// internal error, and whatever it generates has no diagnostic of its own.
    /// </summary>
    private static void CompilerCatchesIt(string id, string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        Assert.Contains(compilation.GetDiagnostics(), d => d.Id == id && d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == compilation.SyntaxTrees.Single());
        Assert.DoesNotContain(GeneratorHarness.Analyze(compilation), d => d.Id == InternalError);

        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Null(run.Exception);
        Assert.Empty(run.Diagnostics);
        var generatedTrees = run.GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();
        var inGenerated = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && generatedTrees.Contains(d.Location.SourceTree!)).ToList();
        Assert.True(inGenerated.Count == 0, "the generated code adds diagnostics of its own:" + Environment.NewLine + GeneratorHarness.Describe(inGenerated));
    }

    private static (string Wrong, string Fixed) Examples(string id)
    {
        string page = File.ReadAllText(Path.Combine(Docs, id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        return (CodeBlock(page, "Wrong"), CodeBlock(page, "Fixed"));
    }

    /// <summary>The first ```csharp block of the section headed <c>## <paramref name="heading"/></c>, or "".</summary>
    private static string CodeBlock(string page, string heading)
    {
        var section = Regex.Match(page, @"^## " + heading + @"\s*$(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        if (!section.Success) return "";
        var block = Regex.Match(section.Groups[1].Value, @"^```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
        return block.Success ? block.Groups[1].Value : "";
    }

    /// <summary>The rules of AnalyzerReleases.Shipped.md then .Unshipped.md, by ID, with their current severity.</summary>
    private static Dictionary<string, string> ReleasedRules()
    {
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            string section = "";
            foreach (string line in File.ReadAllLines(Path.Combine(GeneratorHarness.RepositoryRoot, "src", "Optim.Generator", file)))
            {
                if (line.StartsWith("### ", StringComparison.Ordinal)) section = line.Substring(4).Trim();
                if (!line.StartsWith("OPT", StringComparison.Ordinal)) continue;
                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                switch (section)
                {
                    case "New Rules": rules[cells[0]] = cells[2]; break;
                    case "Changed Rules": rules[cells[0]] = cells[2]; break; // Rule ID | New Category | New Severity | Old Category | Old Severity | Notes
                    case "Removed Rules": rules.Remove(cells[0]); break;
                }
            }
        }
        return rules;
    }

    private static Compilation WithEditorConfig(Compilation compilation, string editorConfig)
    {
        var config = Microsoft.CodeAnalysis.AnalyzerConfig.Parse(editorConfig, "/project/.editorconfig");
        var set = AnalyzerConfigSet.Create(ImmutableArray.Create(config));
        var options = set.GetOptionsForSourcePath("/project/Declaration0.cs");
        return compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigOptions(options.TreeOptions)));
    }

    /// <summary>What the compiler does with an .editorconfig: per-tree severities from <c>dotnet_diagnostic.ID.severity</c>.</summary>
    private sealed class EditorConfigOptions(ImmutableDictionary<string, ReportDiagnostic> severities) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            severities.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }
}
