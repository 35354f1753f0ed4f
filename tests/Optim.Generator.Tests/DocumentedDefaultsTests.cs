using System.Linq;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>The generated documentation shows each hyperparameter's default as the declaration writes it.</summary>
public class DocumentedDefaultsTests
{
    private const string Declaration = GeneratorHarness.Usings + """
        [Optimizer]
        public partial class Demo
        {
            private const double DefaultBeta = 0.25;
            [Hyper(Min = 0)] double lr = 1e-3;
            [Hyper(Min = 0)] double eps = 1E-08;
            [Hyper] double shift = -2.5;
            [Hyper(Min = 0, Max = 1)] double beta = DefaultBeta;
            [Hyper] int warmup = 10;
            [Hyper] bool nesterov = false;
            [Hyper(Min = 0)] double decay = 0;
            void Update(ref Element p, Element g, int t)
            {
                p = nesterov || t < warmup ? p - lr * g : p - (lr + shift * eps * beta * decay) * g;
            }
        }
        """;

    [Theory]
    [InlineData("lr", "double", "1e-3")]
    [InlineData("eps", "double", "1E-08")]
    [InlineData("shift", "double", "-2.5")]
    [InlineData("warmup", "int", "10")]
    [InlineData("nesterov", "bool", "false")]
    [InlineData("decay", "double", "0")]
    public void A_literal_default_is_documented_as_written(string name, string type, string text)
    {
        Assert.Contains($"new(\"{name}\", \"{name}\", \"{type}\", \"{text}\", ", GeneratedSource());
    }

    [Fact]
    public void A_default_given_by_a_constant_is_documented_as_its_value()
    {
        Assert.Contains("new(\"beta\", \"beta\", \"double\", \"0.25\", ", GeneratedSource());
    }

    private static string GeneratedSource()
    {
        var (_, run, _) = GeneratorHarness.Generate(GeneratorHarness.Compile(Declaration));
        Assert.Empty(run.Diagnostics);
        return string.Concat(run.GeneratedSources.Select(source => source.SourceText.ToString()));
    }
}
