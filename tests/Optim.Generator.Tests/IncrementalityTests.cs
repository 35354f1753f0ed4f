using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The pipeline's cache boundary holds: edits that do not change an optimizer's meaning leave its output cached,
/// a semantic edit re-emits only the optimizer it touches, and no Roslyn object leaks into the models.
/// </summary>
public class IncrementalityTests
{
    private const string Sgd = """
        using ScratchOptim.Dsl;
        namespace Demo;
        [Optimizer]
        public partial class Plain
        {
            [Hyper(Min = 0)] double lr = 0.1;
            void Update(ref Element p, Element g, int t)
            {
                p = p - lr * g;
            }
        }
        """;

    private const string Momentum = """
        using ScratchOptim.Dsl;
        namespace Demo;
        [Optimizer]
        public partial class Heavy
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0, Max = 1)] double momentum = 0.9;
            [State] Element velocity;
            void Update(ref Element p, Element g, int t)
            {
                velocity = momentum * velocity + lr * g;
                p = p - velocity;
            }
        }
        """;

    [Fact]
    public void Rerunning_the_same_compilation_is_served_from_the_cache()
    {
        var compilation = GeneratorHarness.Compile(Sgd, Momentum);
        var (_, first, driver) = GeneratorHarness.Generate(compilation);
        var (_, second, _) = GeneratorHarness.Generate(compilation, driver);

        Assert.All(Reasons(second, OptimizerGenerator.StepNames.Parse), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.Equal(Texts(first), Texts(second));
    }

    [Fact]
    public void An_unrelated_file_leaves_every_output_unchanged()
    {
        var compilation = GeneratorHarness.Compile(Sgd, Momentum);
        var (_, first, driver) = GeneratorHarness.Generate(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public class Unrelated { public int X; }", GeneratorHarness.ParseOptions));
        var (_, second, _) = GeneratorHarness.Generate(edited, driver);

        Assert.All(Reasons(second, OptimizerGenerator.StepNames.Plan), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Equal(Texts(first), Texts(second));
    }

    [Fact]
    public void A_comment_or_whitespace_edit_inside_the_update_leaves_the_output_unchanged()
    {
        var compilation = GeneratorHarness.Compile(Sgd, Momentum);
        var (_, first, driver) = GeneratorHarness.Generate(compilation);
        string reformatted = Momentum.Replace("p = p - velocity;", "// the heavy ball moves by its velocity\n        p   =   p -\n            velocity;");
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.ElementAt(1), CSharpSyntaxTree.ParseText(reformatted, GeneratorHarness.ParseOptions, path: "Declaration1.cs"));
        var (_, second, _) = GeneratorHarness.Generate(edited, driver);

        var parseReasons = Reasons(second, OptimizerGenerator.StepNames.Parse);
        Assert.Contains(IncrementalStepRunReason.Unchanged, parseReasons); // re-parsed, equal model
        Assert.All(Reasons(second, OptimizerGenerator.StepNames.Plan), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Equal(Texts(first), Texts(second));
    }

    [Fact]
    public void A_semantic_edit_re_emits_only_the_optimizer_it_changes()
    {
        var compilation = GeneratorHarness.Compile(Sgd, Momentum);
        var (_, first, driver) = GeneratorHarness.Generate(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.ElementAt(1),
            CSharpSyntaxTree.ParseText(Momentum.Replace("momentum = 0.9", "momentum = 0.5"), GeneratorHarness.ParseOptions, path: "Declaration1.cs"));
        var (_, second, _) = GeneratorHarness.Generate(edited, driver);

        var before = Texts(first);
        var after = Texts(second);
        Assert.Equal(before["Demo.Plain.g.cs"], after["Demo.Plain.g.cs"]);
        Assert.NotEqual(before["Demo.Heavy.g.cs"], after["Demo.Heavy.g.cs"]);
        Assert.Contains("double momentum = 0.5", after["Demo.Heavy.g.cs"]);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, OptimizerGenerator.StepNames.Plan));
    }

    [Fact]
    public void No_roslyn_object_is_reachable_from_the_pipeline_models()
    {
        var compilation = GeneratorHarness.Compile(Sgd, Momentum, GeneratorHarness.BuiltInSource("Adam.cs"));
        var (_, run, _) = GeneratorHarness.Generate(compilation);
        var models = run.TrackedSteps
            .Where(step => step.Key is OptimizerGenerator.StepNames.Parse or OptimizerGenerator.StepNames.Plan or OptimizerGenerator.StepNames.Registry)
            .SelectMany(step => step.Value)
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)
            .ToList();
        Assert.NotEmpty(models);

        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var model in models) Walk(model, visited);
    }

    private static void Walk(object? value, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        if (!value.GetType().IsValueType && !visited.Add(value)) return;
        Assert.False(value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location or Diagnostic,
            $"a {value.GetType().Name} is reachable from a pipeline model");
        if (value is IEnumerable items)
        {
            foreach (var item in items) Walk(item, visited);
            return;
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            Walk(field.GetValue(value), visited);
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorRunResult run, string step) =>
        run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    private static Dictionary<string, string> Texts(GeneratorRunResult run) =>
        run.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
}
