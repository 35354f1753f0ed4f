using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ScratchOptim.Generator.Scheduling;
using ScratchOptim.Generator.Syntax;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// Cancellation is honoured: a cancelled run ends in <see cref="OperationCanceledException"/>, never in an internal
/// error diagnostic (OPT099) or a generator exception (CS8785). The generator's steps catch every exception except
/// cancellation, so the driver sees it as what it is.
/// </summary>
public class CancellationTests
{
    private static string Adam() => GeneratorHarness.BuiltInSource("Adam.cs");

    [Fact]
    public void Running_the_generator_with_a_cancelled_token_throws_OperationCanceledException()
    {
        var compilation = GeneratorHarness.Compile(Adam());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => GeneratorHarness.CreateDriver().RunGenerators(compilation, cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out _, out _, cancelled.Token));
    }

    [Fact]
    public async Task Running_the_analyzer_with_a_cancelled_token_throws_OperationCanceledException()
    {
        var compilation = GeneratorHarness.Compile(Adam());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var withAnalyzer = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new OptimizerAnalyzer()));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withAnalyzer.GetAnalyzerDiagnosticsAsync(cancelled.Token));
    }

    /// <summary>
    /// A cancelled token stops the driver before it calls the generator, so the two tests above cannot show that the
    /// generator's own code observes the token. These call its steps directly: each throws, rather than turning the
    /// cancellation into a result (which the pipeline would cache) or an OPT099.
    /// </summary>
    [Fact]
    public void The_parse_and_plan_steps_observe_a_cancelled_token()
    {
        var compilation = GeneratorHarness.Compile(Adam());
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var declaration = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        var symbol = (INamedTypeSymbol)model.GetDeclaredSymbol(declaration)!;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => DeclarationParser.Parse(declaration, symbol, model, cancelled.Token));

        var parsed = DeclarationParser.Parse(declaration, symbol, model, CancellationToken.None).Model;
        Assert.NotNull(parsed);
        Assert.ThrowsAny<OperationCanceledException>(() => Scheduler.Plan(parsed!, cancelled.Token));
    }
}
