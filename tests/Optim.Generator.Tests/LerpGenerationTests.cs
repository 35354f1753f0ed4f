using System;
using System.Linq;
using System.Numerics;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// <c>Lerp</c> in a declaration: with a step-uniform weight (hoisted, rounded to float once) and a per-element one (each
/// lane takes its own branch), generated into both loops under its own name, compiled and run.
/// </summary>
public class LerpGenerationTests
{
    private const string Declaration = """
        [Optimizer(StepState = null)]
        public partial class Interpolate
        {
            [Hyper(Min = 0, Max = 1)] double beta = 0.9;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                m = Lerp(m, g, 1 - beta);
                p = Lerp(p, m, Abs(g));
            }
        }
        """;

    [Fact]
    public void Both_loops_call_Lerp_and_the_documentation_shows_it()
    {
        var (output, source) = Generate();
        // The step-uniform weight is prepared once, before the vector loop; the per-element one is not.
        Assert.Contains("var oneMinusBetaLerp = PrepareLerp(oneMinusBetaVec);", source, StringComparison.Ordinal);
        Assert.Contains("m = Lerp(m, g, oneMinusBetaLerp);", source, StringComparison.Ordinal);
        Assert.Contains("m = Lerp(m, g, oneMinusBeta);", source, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(source, "p = Lerp(p, m, Abs(g));"));
        Assert.Contains("\"m = Lerp(m, g, 1 - beta)\"", source, StringComparison.Ordinal);
        Assert.Contains(@"\\operatorname{lerp}\\left(m, g, 1 - \\beta\\right)", source, StringComparison.Ordinal);
        var diagnostics = GeneratorHarness.CompilerDiagnostics(output);
        Assert.True(diagnostics.IsEmpty, GeneratorHarness.Describe(diagnostics));
    }

    [Theory]
    [InlineData(0.7)] // weight 0.3: the form from start
    [InlineData(0.2)] // weight 0.8: the form from end
    public void Generated_kernel_computes_ElementMath_Lerp_per_element_in_the_vector_body_and_the_tail(double beta)
    {
        var (output, _) = Generate();
        var type = GeneratorHarness.Load(output).GetType("Demo.Interpolate")!;

        int length = 3 * Vector<float>.Count + 5;
        var random = new Random(11);
        float[] p = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var parameter = new Parameter<float>((float[])p.Clone(), "p");
        var optimizer = (Optimizer)Activator.CreateInstance(type, [new[] { parameter }, beta])!;
        float[] m = new float[length];
        for (int step = 0; step < 3; step++)
        {
            // |g| crosses 0.5 from element to element, so lanes of one vector take different branches.
            float[] g = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2.4 - 1.2)).ToArray();
            parameter.Grad = g;
            optimizer.Step();
            for (int i = 0; i < length; i++)
            {
                m[i] = ElementMath.Lerp(m[i], g[i], (float)(1 - beta));
                p[i] = ElementMath.Lerp(p[i], m[i], MathF.Abs(g[i]));
            }
            Assert.Equal(p, parameter.Data.ToArray());
            Assert.Equal(m, optimizer.State<float>(parameter, "m").ToArray());
        }
    }

    private static (Compilation Output, string Source) Generate()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + Declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(run.Diagnostics);
        return (output, run.GeneratedSources.Single(s => s.HintName == "Demo.Interpolate.g.cs").SourceText.ToString());
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
