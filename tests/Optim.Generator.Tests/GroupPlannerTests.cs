using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Scheduling;
using ScratchOptim.Generator.Syntax;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The planner's handling of group values, tested on its output rather than on generated text: how many passes over the
/// group's tensors a step needs, what each earlier pass computes (only what its group sums need) and stores (nothing),
/// which group values each pass reads, and which value of a group state each statement sees.
/// </summary>
public class GroupPlannerTests
{
    private const string ElementWise = """
        [Optimizer]
        public partial class Momentum
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                m = 0.9 * m + g;
                p = p - lr * m;
            }
        }
        """;

    private const string Clipped = """
        [Optimizer]
        public partial class Clipped
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0)] double maxNorm = 0;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                if (maxNorm > 0) g = g * Min(maxNorm / GroupNorm(g), 1);
                m = 0.9 * m + g;
                p = p - lr * m;
            }
        }
        """;

    private const string Estimated = """
        [Optimizer]
        public partial class Estimated
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State] Element s;
            [State(Shape = StateShape.Group, Init = nameof(lr))] double d;
            [State(Shape = StateShape.Group)] double steps;
            void Update(ref Element p, Element g, int t)
            {
                s = s + d * g;
                double total = GroupSum(Abs(s));
                if (total > 0) d = Max(d, lr / total);
                steps = steps + 1;
                p = p - d * g;
            }
        }
        """;

    [Fact]
    public void An_element_wise_update_is_one_pass_with_no_group_code()
    {
        var plan = Plan(ElementWise);
        Assert.False(plan.GroupWide);
        var part = Assert.Single(plan.Parts);
        Assert.True(part.Final);
        Assert.Empty(part.Inputs);
        Assert.Empty(part.GroupSums);
        Assert.Empty(plan.GroupSegments);
        Assert.Empty(plan.GroupCommits);
    }

    [Fact]
    public void A_group_norm_splits_the_step_into_a_pass_that_only_sums_and_a_pass_that_updates()
    {
        var plan = Plan(Clipped);
        Assert.True(plan.GroupWide);
        Assert.Equal(2, plan.Parts.Count);

        // Pass 1: one loop that adds g * g to the group's sum and assigns nothing, run only when clipping is on.
        var first = plan.Parts[0];
        Assert.False(first.Final);
        int sum = Assert.Single(first.GroupSums);
        Assert.Equal(TempKind.GroupReduction, plan.Temps[sum].Kind);
        var statements = Flatten(first.Phases.SelectMany(p => p.Body)).ToList();
        Assert.Equal(sum, Assert.Single(statements.OfType<Accumulate>()).TempId);
        Assert.Empty(statements.OfType<ElementAssign>());
        Assert.Equal("maxNorm > 0", Docs.EquationRenderer.Text(first.Guard!));
        Assert.Empty(first.Inputs);

        // Pass 2: the whole update, which reads the group's sum and adds to none.
        var second = plan.Parts[1];
        Assert.True(second.Final);
        Assert.Empty(second.GroupSums);
        Assert.Equal(sum, Assert.IsType<Temp>(Assert.Single(second.Inputs)).Id);
        Assert.Empty(Flatten(second.Phases.SelectMany(p => p.Body)).OfType<Accumulate>());
        Assert.Equal(new[] { "g", "m", "p" }, Flatten(second.Phases.SelectMany(p => p.Body)).OfType<ElementAssign>().Select(a => a.Scheduled.Target.Name).Distinct().OrderBy(n => n));
    }

    [Fact]
    public void A_group_state_read_before_and_after_its_assignment_is_two_values()
    {
        var plan = Plan(Estimated);
        Assert.Equal(2, plan.Parts.Count);

        // The tensors' first use of d (in s) is the stored value; their last (in p) is the value the group assigned.
        var final = plan.Final;
        var inputs = final.Inputs.OfType<Temp>().Select(t => plan.Temps[t.Id]).Where(t => t.Kind == TempKind.GroupState).ToList();
        Assert.Equal(2, inputs.Count);
        Assert.Contains(inputs, t => t.Definition is Variable { Name: "d" });
        var assigned = Assert.Single(inputs, t => t.Definition is not Variable);
        Assert.IsType<Conditional>(assigned.Definition); // guarded: where total is 0 it keeps the stored value

        // The group computes the new values after pass 1 (they read its sum) and stores the last value of each state.
        var assigns = plan.GroupSegments[1].Items.OfType<GroupStateAssign>().ToList();
        Assert.Equal(new[] { "d" }, assigns.Select(a => a.Declared.Target.Name));
        var counted = Assert.Single(plan.GroupSegments[0].Items.OfType<GroupStateAssign>());
        Assert.Equal("steps", counted.Declared.Target.Name);
        Assert.Equal(new[] { ("d", assigned.Id), ("steps", counted.TempId) }, plan.GroupCommits.Select(c => (c.State, c.TempId)));

        // Pass 1 reads the stored d (s needs it) and sums |s|; the group's local 'total' is the sum, known after it.
        var first = plan.Parts[0];
        Assert.Contains(first.Inputs.OfType<Temp>(), t => plan.Temps[t.Id].Definition is Variable { Name: "d" });
        Assert.Single(first.GroupSums);
        Assert.Contains(plan.GroupSegments[1].Items.OfType<HostAssign>(), a => a.Statement.Target.Name == "total");
    }

    [Fact]
    public void A_group_sum_of_a_value_made_from_an_earlier_group_sum_takes_a_third_pass()
    {
        var plan = Plan("""
            [Optimizer]
            public partial class Normalized
            {
                [Hyper(Min = 0)] double lr = 0.1;
                void Update(ref Element p, Element g, int t)
                {
                    Element centred = g - GroupSum(g) / 100;
                    double spread = GroupNorm(centred);
                    p = p - lr * centred / (spread + 1);
                }
            }
            """);
        Assert.Equal(3, plan.Parts.Count);
        Assert.Single(plan.Parts[0].GroupSums);
        Assert.Single(plan.Parts[1].GroupSums);
        // Pass 2 recomputes the centred gradient from pass 1's sum, which it reads.
        Assert.Single(plan.Parts[1].Inputs);
        Assert.Contains(Flatten(plan.Parts[1].Phases.SelectMany(p => p.Body)).OfType<ElementAssign>(), a => a.Scheduled.Target.Name == "centred");
        Assert.Empty(plan.Parts[2].GroupSums);
    }

    [Fact]
    public void A_pass_that_sums_a_tensors_normalized_values_computes_the_tensors_norm_first()
    {
        var plan = Plan("""
            [Optimizer]
            public partial class LayerBalanced
            {
                [Hyper(Min = 0)] double lr = 0.1;
                void Update(ref Element p, Element g, int t)
                {
                    double total = GroupSum(g / Norm(g));
                    p = p - lr * total * g;
                }
            }
            """);
        var first = plan.Parts[0];
        Assert.Equal(2, first.Phases.Count);
        Assert.Equal(TempKind.Reduction, plan.Temps[Assert.Single(Flatten(first.Phases[0].Body).OfType<Accumulate>()).TempId].Kind);
        Assert.Equal(TempKind.GroupReduction, plan.Temps[Assert.Single(Flatten(first.Phases[1].Body).OfType<Accumulate>()).TempId].Kind);
        // The final pass needs no norm of its own: it reads only the group's sum.
        Assert.Single(plan.Final.Phases);
        Assert.Empty(Flatten(plan.Final.Phases.SelectMany(p => p.Body)).OfType<Accumulate>());
    }

    [Fact]
    public void A_group_sum_only_the_group_reads_after_the_update_accumulates_in_the_one_pass()
    {
        var plan = Plan("""
            [Optimizer]
            public partial class Logged
            {
                [Hyper(Min = 0)] double lr = 0.1;
                [State(Shape = StateShape.Group, Torch = "grad_norm")] double gradNorm;
                void Update(ref Element p, Element g, int t)
                {
                    p = p - lr * g;
                    gradNorm = GroupNorm(g);
                }
            }
            """);
        var part = Assert.Single(plan.Parts);
        Assert.Single(part.GroupSums);
        Assert.Empty(plan.GroupSegments[0].Items);
        Assert.Single(plan.GroupSegments[1].Items.OfType<GroupStateAssign>());
    }

    [Fact]
    public void A_step_uniform_local_the_group_reads_is_computed_by_the_group_too()
    {
        var plan = Plan(Estimated.Replace("s = s + d * g;", "double decay = 1 - lr;\n        s = decay * s + d * g;")
            .Replace("steps = steps + 1;", "steps = steps * decay + 1;"));
        Assert.Contains(plan.GroupSegments[0].Items.OfType<HostAssign>(), a => a.Statement.Target.Name == "decay");
        Assert.Contains(plan.Final.Segments[0].Items.OfType<HostAssign>(), a => a.Statement.Target.Name == "decay");
    }

    /// <summary>Updates that mix group values with every other kind of value, each in a part before the last.</summary>
    public static TheoryData<string> Mixed() => new()
    {
        // A per-tensor state written before a group sum: the first part computes it into a copy, the last stores it.
        """
        [Optimizer]
        public partial class Scaled
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State] float scale;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                scale = (float)(scale + Norm(g));
                Element u = g / (scale + 1);
                m = 0.9 * m + u;
                double total = GroupSum(m * m);
                p = p - lr * m / Sqrt(total + 1);
            }
        }
        """,
        // Per-row state, and a group sum of per-row values (a loop over the rows adds them).
        """
        [Optimizer(MaxRank = 2)]
        public partial class Rows
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State(Shape = StateShape.Row)] Element r;
            void Update(ref Element p, Element g, int t)
            {
                r = 0.9 * r + RowMean(g * g);
                double total = GroupSum(r) + GroupMaxAbs(Norm(g));
                p = p - lr * g / Sqrt(r + total + 1);
            }
        }
        """,
        // State allocated only under a setting, read by a group sum, with a group state counting steps.
        """
        [Optimizer]
        public partial class Optional
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper] bool momentum = false;
            [State] Element m;
            [State(Shape = StateShape.Group)] float steps;
            void Update(ref Element p, Element g, int t)
            {
                steps = steps + 1;
                Element u = g;
                if (momentum)
                {
                    m = 0.9 * m + g;
                    u = m;
                }
                double norm = GroupNorm(u);
                int count = t;
                p = p - lr / (1 + norm * steps) * u / count;
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Mixed))]
    public void Mixed_group_updates_generate_code_that_compiles_without_a_warning(string declaration)
    {
        var plan = Plan(declaration);
        Assert.True(plan.GroupWide);
        var (output, run, _) = GeneratorHarness.Generate(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        Assert.Empty(run.Diagnostics);
        Assert.NotEmpty(run.GeneratedSources);
        Assert.Empty(GeneratorHarness.CompilerDiagnostics(output));
    }

    private static IEnumerable<Stmt> Flatten(IEnumerable<Stmt> statements)
    {
        foreach (var statement in statements)
        {
            yield return statement;
            if (statement is If branch)
                foreach (var nested in Flatten(branch.Then.Concat(branch.Else))) yield return nested;
        }
    }

    private static KernelPlan Plan(string declaration)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var tree = compilation.SyntaxTrees.Single();
        var semanticModel = compilation.GetSemanticModel(tree);
        var syntax = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        var outcome = DeclarationParser.Parse(syntax, (INamedTypeSymbol)semanticModel.GetDeclaredSymbol(syntax)!, semanticModel, default);
        return Scheduler.Plan(outcome.Model!, default);
    }
}
