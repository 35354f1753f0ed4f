using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The generator never fails the build and never emits code that does not compile, whatever a user types. Every
/// built-in declaration is mutated many ways (the way a declaration looks while it is being typed or edited) and each
/// mutant is checked: the generator throws nothing and reports no internal error (OPT099), nor does the analyzer; and
/// when neither the analyzer nor the compiler finds an error in the user's code, the optimizer is generated and the
/// generated code compiles without a single warning (warning level 9999, nullable on).
/// </summary>
/// <remarks>
/// The mutants are deterministic (a fixed seed per file). The cut-prefix theory mirrors the Regex generator's
/// "every prefix" test: the declaration cut at each token boundary, as typed so far, and the same with its open
/// brackets closed (which often makes a smaller valid declaration). Set SCRATCHOPTIM_ROBUSTNESS_SCALE=N to check N
/// times as many sampled token edits, and SCRATCHOPTIM_ROBUSTNESS_SEED to draw others (for a deeper search than the suite's
/// budget allows; a failure's message shows the mutant, which becomes a case in RegressionTests).
/// </remarks>
public class RobustnessTests
{
    /// <summary>The fixed seed; SCRATCHOPTIM_ROBUSTNESS_SEED draws other mutants (for a search, not for CI).</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("SCRATCHOPTIM_ROBUSTNESS_SEED"), out int seed) ? seed : 20240604;

    /// <summary>
    /// Every prefix of every declaration is checked (a declaration has 200–800 tokens; each cut is checked as typed and
    /// with its open brackets closed), and this many mutants per file and kind of token edit (7 kinds).
    /// SCRATCHOPTIM_ROBUSTNESS_SCALE=N checks N times as many token edits.
    /// </summary>
    private const int MutantsPerKind = 24;

    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("SCRATCHOPTIM_ROBUSTNESS_SCALE"), out int scale) && scale > 0 ? scale : 1;

    private readonly ITestOutputHelper output;

    public RobustnessTests(ITestOutputHelper output) => this.output = output;

    public static IEnumerable<object[]> Declarations() =>
        GeneratorHarness.BuiltInDeclarations().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Every_prefix_cut_at_a_token_boundary_neither_crashes_the_generator_nor_emits_broken_code(string file)
    {
        var original = Read(file);
        var mutants = Mutator.Prefixes(original, int.MaxValue, new Random(Seed + StableHash(file)));
        CheckAll(file, mutants);
    }

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Token_mutants_neither_crash_the_generator_nor_emit_broken_code(string file)
    {
        var original = Read(file);
        var mutants = Mutator.TokenMutants(original, MutantsPerKind * Scale, new Random(Seed + StableHash(file)));
        CheckAll(file, mutants);
    }

    private void CheckAll(string file, IReadOnlyList<Mutant> mutants)
    {
        var failures = new ConcurrentBag<(int Index, string Message)>();
        int clean = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, mutants.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var verdict = MutantChecker.Check(mutants[i].Source);
            if (verdict.Generated) Interlocked.Increment(ref clean);
            if (verdict.Failure is not null)
                failures.Add((i, mutants[i].Description + ": " + verdict.Failure + Environment.NewLine + "--- mutant ---" + Environment.NewLine + mutants[i].Source));
        });
        output.WriteLine($"{file}: {mutants.Count} mutants ({clean} error-free, their generated code compiled) in {watch.ElapsedMilliseconds} ms");
        var sorted = failures.OrderBy(f => f.Index).Select(f => f.Message).ToList();
        foreach (var failure in sorted) output.WriteLine("FAILED " + string.Join(" | ", failure.Split(Environment.NewLine).Take(3)));
        Assert.True(sorted.Count == 0, $"{sorted.Count} of {mutants.Count} mutants of {file} failed; the first:{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, sorted.Take(3))}");
    }

    private static string Read(string file) => GeneratorHarness.BuiltInSource(file).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomized).</summary>
    private static int StableHash(string text)
    {
        unchecked
        {
            int hash = 17;
            foreach (char c in text) hash = hash * 31 + c;
            return hash & 0x7FFFFFFF;
        }
    }
}

/// <summary>One mutated declaration and how it was made.</summary>
internal sealed record Mutant(string Description, string Source);

/// <summary>Makes mutants of a declaration by editing its tokens, keeping the trivia (comments, whitespace) as it was.</summary>
internal static class Mutator
{
    private static readonly string[] BinaryOperators = { "+", "-", "*", "/", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "%", "&", "|", "^", "<<", ">>", "??" };

    private static readonly string[] TypeKeywords = { "double", "float", "int", "bool", "long", "decimal", "object", "string", "var", "Element", "void" };

    /// <summary>
    /// Names that matter to the generator or the code it emits: its own locals and members, the DSL's names, the
    /// intrinsics, keywords written verbatim, and plain new names.
    /// </summary>
    private static readonly string[] InterestingNames =
    {
        "hyper", "length", "i", "lastVector", "state", "parameter", "gradient", "pRef", "gRef", "mRef", "vRef", "scalar1", "condition1", "rankAbove1",
        "oneMinusBeta1", "oneMinusBeta1Vec", "oneMinusBeta1Lerp", "rowVarNew", "sumOfSquaresPLanes", "firstStep", "lrF", "Apply", "Kernel", "Defaults", "defaults", "Documentation", "Info", "Hyperparameters",
        "StepParameter", "CreateHyperparameters", "Optimizer", "Element", "Intrinsics", "Math", "MathF", "System", "ScratchOptim", "Update",
        "Sqrt", "Pow", "Fma", "Clamp", "Abs", "Sign", "Log", "Exp", "Cos", "Sin", "Min", "Max", "Round", "t", "p", "g", "value", "name", "@double",
        "@class", "@int", "nameof", "var", "dynamic", "_", "x", "y", "z", "Value", "Get", "Set", "Clone", "Convert", "Buffer", "Step", "Vector",
        "CheckRange", "UnknownName", "AddParamGroup", "MemberwiseClone", "ParamGroups", "nuint", "nint", "record", "Lr", "Eps", "LR", "T", "P", "G",
    };

    private static readonly string[] NumericLiterals =
    {
        "0", "1", "-1", "2", "0.0", "0.5", "-0.5", "1e308", "1e-320", "1e400", "2147483647", "-2147483648", "1.5f", "0x10", "1L", "1u", "1m", "3.4e38f",
        "double.NaN", "double.PositiveInfinity", "-0.0", "'c'", "\"1\"", "true", "null", "1_000",
    };

    private static readonly string[] StringLiterals =
    {
        "\"\"", "\"x\"", "\"a\\\"b\"", "\"<&>\"", "\"line\\nbreak\"", "\"back\\\\slash\"", "\"{0}\"", "null", "\"lr\"", "\"m\"", "\"nope\"", "1", "@\"v\"\"erbatim\"",
        "\"é\"", "\"\\u0000\"", "$\"x\"", "nameof(lr)", "nameof(Update)",
    };

    /// <summary>
    /// The declaration cut after each token, as typed so far, and the same cut with its open brackets closed. Every
    /// cut when there are at most <paramref name="perVariant"/> tokens, else that many evenly spread with a random offset.
    /// </summary>
    public static IReadOnlyList<Mutant> Prefixes(string source, int perVariant, Random random)
    {
        var tokens = CodeTokens(source);
        var cuts = Sample(tokens.Count, perVariant, random);
        var mutants = new List<Mutant>();
        foreach (int index in cuts)
        {
            var cut = tokens[index];
            string prefix = source.Substring(0, cut.Span.End);
            mutants.Add(new Mutant($"cut after token {index} '{cut.Text}' (line {Line(source, cut.Span.End)})", prefix));
            string closers = Closers(tokens.Take(index + 1));
            if (closers.Length > 0)
                mutants.Add(new Mutant($"cut after token {index} '{cut.Text}' (line {Line(source, cut.Span.End)}), closed with '{closers}'", prefix + "\n" + closers + "\n"));
        }
        return mutants;
    }

    /// <summary>Deleted tokens, swapped neighbours, swapped operators, replaced identifiers, type keywords and literals.</summary>
    public static IReadOnlyList<Mutant> TokenMutants(string source, int perKind, Random random)
    {
        var tokens = CodeTokens(source);
        var classStart = tokens.FindIndex(t => t.IsKind(SyntaxKind.OpenBracketToken) && t.GetNextToken().ValueText == "Optimizer");
        var body = Enumerable.Range(0, tokens.Count).Where(i => i >= classStart).ToList();
        var identifiers = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.Text).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToList();
        var mutants = new List<Mutant>();

        foreach (int i in Pick(body, perKind, random))
            mutants.Add(Replace(source, tokens[i], "", $"deleted token {i} '{tokens[i].Text}'"));

        foreach (int i in Pick(body.Where(i => i + 1 < tokens.Count).ToList(), perKind, random))
        {
            var (a, b) = (tokens[i], tokens[i + 1]);
            string swapped = source.Substring(0, a.Span.Start) + b.Text + source.Substring(a.Span.End, b.Span.Start - a.Span.End) + a.Text + source.Substring(b.Span.End);
            mutants.Add(new Mutant($"swapped tokens {i} '{a.Text}' and {i + 1} '{b.Text}' (line {Line(source, a.Span.Start)})", swapped));
        }

        var operators = body.Where(i => tokens[i].Parent is BinaryExpressionSyntax binary && binary.OperatorToken == tokens[i]
            || tokens[i].Parent is AssignmentExpressionSyntax).ToList();
        foreach (int i in Pick(operators, perKind, random))
        {
            string replacement = tokens[i].Parent is AssignmentExpressionSyntax
                ? new[] { "=", "+=", "-=", "*=", "/=", "%=", "??=", "|=" }[random.Next(8)]
                : BinaryOperators[random.Next(BinaryOperators.Length)];
            mutants.Add(Replace(source, tokens[i], replacement, $"operator {i} '{tokens[i].Text}' → '{replacement}'"));
        }

        var names = body.Where(i => tokens[i].IsKind(SyntaxKind.IdentifierToken)).ToList();
        foreach (int i in Pick(names, perKind, random))
        {
            string replacement = random.Next(3) switch
            {
                0 => identifiers[random.Next(identifiers.Count)],
                1 => InterestingNames[random.Next(InterestingNames.Length)],
                _ => RandomName(random),
            };
            mutants.Add(Replace(source, tokens[i], replacement, $"identifier {i} '{tokens[i].Text}' → '{replacement}'"));
        }

        // Renaming a declared name everywhere keeps the declaration valid, so it reaches the emitter with names that may
        // collide with the generated code's.
        var declared = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Parent is VariableDeclaratorSyntax or ParameterSyntax or ClassDeclarationSyntax)
            .Select(t => t.Text).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToList();
        for (int k = 0; k < perKind && declared.Count > 0; k++)
        {
            string name = declared[random.Next(declared.Count)];
            string replacement = random.Next(4) switch
            {
                0 => char.ToUpperInvariant(name[0]) + name.Substring(1),
                1 => identifiers[random.Next(identifiers.Count)],
                2 => RandomName(random),
                _ => InterestingNames[random.Next(InterestingNames.Length)],
            };
            var occurrences = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Text == name).OrderByDescending(t => t.Span.Start).ToList();
            string renamed = source;
            foreach (var occurrence in occurrences) renamed = renamed.Substring(0, occurrence.Span.Start) + replacement + renamed.Substring(occurrence.Span.End);
            mutants.Add(new Mutant($"renamed '{name}' → '{replacement}' everywhere", renamed));
        }

        var types = body.Where(i => tokens[i].Parent is PredefinedTypeSyntax
            || tokens[i].IsKind(SyntaxKind.IdentifierToken) && tokens[i].Text == "Element").ToList();
        foreach (int i in Pick(types, perKind, random))
        {
            string replacement = TypeKeywords[random.Next(TypeKeywords.Length)];
            mutants.Add(Replace(source, tokens[i], replacement, $"type {i} '{tokens[i].Text}' → '{replacement}'"));
        }

        var literals = body.Where(i => tokens[i].IsKind(SyntaxKind.NumericLiteralToken) || tokens[i].IsKind(SyntaxKind.StringLiteralToken)
            || tokens[i].IsKind(SyntaxKind.TrueKeyword) || tokens[i].IsKind(SyntaxKind.FalseKeyword)).ToList();
        foreach (int i in Pick(literals, perKind, random))
        {
            var token = tokens[i];
            string replacement = token.Kind() switch
            {
                SyntaxKind.StringLiteralToken => StringLiterals[random.Next(StringLiterals.Length)],
                SyntaxKind.TrueKeyword => random.Next(2) == 0 ? "false" : NumericLiterals[random.Next(NumericLiterals.Length)],
                SyntaxKind.FalseKeyword => random.Next(2) == 0 ? "true" : NumericLiterals[random.Next(NumericLiterals.Length)],
                _ => NumericLiterals[random.Next(NumericLiterals.Length)],
            };
            mutants.Add(Replace(source, token, replacement, $"literal {i} {token.Text} → {replacement}"));
        }
        return mutants;
    }

    /// <summary>The tokens of the code (not those inside doc comments or disabled text).</summary>
    private static List<SyntaxToken> CodeTokens(string source) =>
        CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot().DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();

    private static Mutant Replace(string source, SyntaxToken token, string replacement, string description) =>
        new(description + $" (line {Line(source, token.Span.Start)})", source.Substring(0, token.Span.Start) + replacement + source.Substring(token.Span.End));

    private static string Closers(IEnumerable<SyntaxToken> tokens)
    {
        var open = new Stack<char>();
        foreach (var token in tokens)
        {
            switch (token.Kind())
            {
                case SyntaxKind.OpenBraceToken: open.Push('}'); break;
                case SyntaxKind.OpenParenToken: open.Push(')'); break;
                case SyntaxKind.OpenBracketToken: open.Push(']'); break;
                case SyntaxKind.CloseBraceToken or SyntaxKind.CloseParenToken or SyntaxKind.CloseBracketToken:
                    if (open.Count > 0) open.Pop();
                    break;
            }
        }
        return string.Concat(open);
    }

    /// <summary>All of 0..count-1 when count ≤ n, else n indices evenly spread with a random offset.</summary>
    private static IEnumerable<int> Sample(int count, int n, Random random)
    {
        if (count <= n) return Enumerable.Range(0, count);
        double stride = (double)count / n;
        double offset = random.NextDouble() * stride;
        return Enumerable.Range(0, n).Select(k => Math.Min(count - 1, (int)(offset + k * stride))).Distinct();
    }

    private static IEnumerable<int> Pick(IReadOnlyList<int> candidates, int n, Random random)
    {
        if (candidates.Count == 0) yield break;
        for (int k = 0; k < n; k++) yield return candidates[random.Next(candidates.Count)];
    }

    private static string RandomName(Random random)
    {
        const string first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        const string rest = first + "0123456789";
        int length = 1 + random.Next(8);
        var chars = new char[length];
        chars[0] = first[random.Next(first.Length)];
        for (int i = 1; i < length; i++) chars[i] = rest[random.Next(rest.Length)];
        return new string(chars);
    }

    private static int Line(string source, int position) => 1 + source.Take(position).Count(c => c == '\n');
}

/// <summary>Runs the generator and the analyzer on one mutant and judges the outcome.</summary>
internal static class MutantChecker
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new OptimizerAnalyzer());
    private static readonly CSharpCompilation Empty = GeneratorHarness.Compile();
    private static readonly GeneratorDriver Driver = CSharpGeneratorDriver.Create(new[] { new OptimizerGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions);

    /// <summary>
    /// <c>Failure</c>: what went wrong, or null. <c>Generated</c>: the mutant was error-free, so its generated code was
    /// compiled and checked.
    /// </summary>
    public static (string? Failure, bool Generated) Check(string source)
    {
        // Adding the tree to an empty compilation reuses its bound references, which makes a mutant several times cheaper.
        var userTree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Declaration0.cs");
        var compilation = Empty.AddSyntaxTrees(userTree);

        // The compiler's diagnostics of the user's code and the analyzer's, in one pass.
        var diagnostics = compilation.WithAnalyzers(Analyzers).GetAllDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();

        var driver = Driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var run = driver.GetRunResult().Results.Single();

        if (run.Exception is not null) return ("the generator threw " + run.Exception, false);
        var internalErrors = run.Diagnostics.Concat(driverDiagnostics).Concat(diagnostics).Where(d => d.Id is "OPT099" or "CS8784" or "CS8785" or "AD0001").ToList();
        if (internalErrors.Count > 0) return ("internal error: " + GeneratorHarness.Describe(internalErrors), false);

        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return (null, false);

        bool declaresOptimizer = userTree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Any(c =>
            compilation.GetSemanticModel(userTree).GetDeclaredSymbol(c)?.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "ScratchOptim.Dsl.OptimizerAttribute") == true);
        var generatedOptimizers = run.GeneratedSources.Where(s => !s.HintName.Contains("OptimizerRegistry", StringComparison.Ordinal)).ToList();
        if (declaresOptimizer && generatedOptimizers.Count == 0)
            return ("no error was reported, yet nothing was generated: " + GeneratorHarness.Describe(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)), false);
        if (run.GeneratedSources.IsEmpty) return (null, false);

        var generatedTrees = output.SyntaxTrees.Where(t => t != userTree).ToHashSet();
        var broken = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Severity == DiagnosticSeverity.Warning && generatedTrees.Contains(d.Location.SourceTree!))
            .ToList();
        if (broken.Count > 0)
            return ("the generated code does not compile cleanly:" + Environment.NewLine + GeneratorHarness.Describe(broken) + Environment.NewLine + Excerpts(broken), true);
        return (null, true);
    }

    /// <summary>The offending line of each diagnostic.</summary>
    private static string Excerpts(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Where(d => d.Location.IsInSource).Take(5).Select(d =>
        {
            var line = d.Location.GetLineSpan().StartLinePosition.Line;
            return "  > " + d.Location.SourceTree!.GetText().Lines[line].ToString().Trim();
        }));
}
