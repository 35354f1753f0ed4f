using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// Group reductions of element values, generated, compiled and run over a group of two tensors (one spanning two
/// blocks and a tail): <c>GroupMaxAbs</c> is the largest magnitude of the whole group, <c>GroupSum</c> its sum, each
/// kept in a group state where the test reads it; over two groups, each group's own sum, or with
/// <c>AcrossGroups</c> one sum over both that each group holds.
/// </summary>
public class GroupReductionGenerationTests
{
    private const string Declaration = """
        [Optimizer(StepState = null)]
        public partial class Measured
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State(Shape = StateShape.Group)] double largest;
            [State(Shape = StateShape.Group)] double total;
            void Update(ref Element p, Element g, int t)
            {
                largest = GroupMaxAbs(g);
                total = GroupSum(g);
                p = p - lr * g;
            }
        }
        """;

    [Fact]
    public void Group_max_abs_is_the_largest_magnitude_and_group_sum_the_sum_over_every_tensor()
    {
        var type = Build(Declaration).GetType("Demo.Measured")!;

        var random = new Random(7);
        var parameters = new[] { 5000, 37 }.Select(n => new Parameter<float>(new float[n])).ToArray();
        var optimizer = (Optimizer)Activator.CreateInstance(type, [parameters, 0.1])!;
        for (int step = 0; step < 3; step++)
        {
            // Mostly small values of both signs, and one large negative one in the small tensor: a sum of the
            // values would be far from the largest magnitude.
            foreach (var parameter in parameters)
                parameter.Grad = Enumerable.Range(0, parameter.Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var small = parameters[1].Grad!.Value.Span;
            small[20] = -(3 + step);
            optimizer.Step();

            var gradients = parameters.SelectMany(p => p.Grad!.Value.ToArray()).ToArray();
            Assert.Equal(gradients.Max(g => (double)MathF.Abs(g)), optimizer.GroupStateValue(0, "largest"));
            // The sum adds floats lane by lane within each block of 4096: a float's rounding per addition, at most.
            double sum = gradients.Sum(g => (double)g);
            Assert.Equal(sum, optimizer.GroupStateValue(0, "total")!.Value, 2e-5 * gradients.Sum(g => (double)MathF.Abs(g)));
        }
    }

    [Fact]
    public void Group_sums_cover_each_group_unless_the_optimizer_shares_them_across_groups()
    {
        var assembly = Build(Declaration, Declaration.Replace("[Optimizer(StepState = null)]", "[Optimizer(StepState = null, AcrossGroups = true)]")
            .Replace("class Measured", "class MeasuredAcross"));
        var gradients = new[] { new float[] { 1, -2, 3 }, new float[] { 10, 20 } };
        var totals = new[] { "Demo.Measured", "Demo.MeasuredAcross" }.Select(name =>
        {
            var parameters = gradients.Select(g => new Parameter<float>(new float[g.Length]) { Grad = g }).ToArray();
            var optimizer = (Optimizer)Activator.CreateInstance(assembly.GetType(name)!, [parameters[..1], 0.1])!;
            optimizer.AddGroup(parameters[1..]);
            optimizer.Step();
            return new[] { optimizer.GroupStateValue(0, "total"), optimizer.GroupStateValue(1, "total") };
        }).ToArray();
        Assert.Equal([2.0, 30.0], totals[0]);
        Assert.Equal([32.0, 32.0], totals[1]);
    }

    private static Assembly Build(params string[] declarations)
    {
        var compilation = GeneratorHarness.Compile(declarations.Select(d => GeneratorHarness.Usings + d).ToArray());
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(run.Diagnostics);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, GeneratorHarness.Describe(emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }
}
