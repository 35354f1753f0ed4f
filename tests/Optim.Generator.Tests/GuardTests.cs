using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The loops read a state allocated only under a condition only where it holds. Where the update computes that condition
/// already, as a bool local (or its negation, or with other bools), the loops test those bools, by the update's names,
/// rather than a bool of their own that says the same.
/// </summary>
public class GuardTests
{
    private const string Split = """
        [Optimizer]
        public partial class Split
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper] bool nesterov = false;
            [State] Element m;
            [State] Element v;
            [State] Element w;
            void Update(ref Element p, Element g, int t)
            {
                bool matrix = Rank(p) == 2;
                if (matrix)
                {
                    m = 0.9 * m + g;
                    if (nesterov) w = 0.5 * w + m;
                    p = p - lr * m;
                }
                else
                {
                    v = 0.9 * v + g * g;
                    p = p - lr * g / (Sqrt(v) + 1e-8);
                }
            }
        }
        """;

    [Fact]
    public void A_state_allocated_where_a_bool_local_holds_is_read_under_that_local()
    {
        var (failure, generated) = MutantChecker.Check(GeneratorHarness.Usings + Split);
        Assert.True(failure is null, failure);
        Assert.True(generated);

        var (_, run, _) = GeneratorHarness.Generate(GeneratorHarness.Compile(GeneratorHarness.Usings + Split));
        string source = string.Concat(run.GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.Contains("var m = matrix ? TVector.Load(ref mRef, i) : default;", source, StringComparison.Ordinal);
        Assert.Contains("var v = !matrix ? TVector.Load(ref vRef, i) : default;", source, StringComparison.Ordinal);
        Assert.Contains("var w = matrix && nesterov ? TVector.Load(ref wRef, i) : default;", source, StringComparison.Ordinal);
        Assert.DoesNotContain("// the state that needs it is allocated", source, StringComparison.Ordinal);
    }
}
