using System;
using System.Linq;
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
        var type = GeneratorHarness.Build(Declaration).GetType("Demo.Measured")!;

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
        var assembly = GeneratorHarness.Build(Declaration, Declaration.Replace("[Optimizer(StepState = null)]", "[Optimizer(StepState = null, AcrossGroups = true)]")
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

    /// <summary>
    /// Found by writing a clipped SGD as a user would (<c>double total = GroupNorm(g); lastNorm = total;</c>): a group
    /// state assigned a bare local was emitted as <c>double total = total;</c> (CS0128 in the generated code), and one
    /// assigned a bare hyperparameter compiled but was never stored, because the new value was taken for the state's old
    /// one (both are a variable).
    /// </summary>
    [Fact]
    public void A_group_state_assigned_a_local_or_a_hyperparameter_stores_it()
    {
        var type = GeneratorHarness.Build("""
            [Optimizer(StepState = null)]
            public partial class Copied
            {
                [Hyper(Min = 0)] double lr = 0.1;
                [State(Shape = StateShape.Group)] double norm;
                [State(Shape = StateShape.Group)] double doubled;
                [State(Shape = StateShape.Group)] double rate;
                void Update(ref Element p, Element g, int t)
                {
                    double total = GroupNorm(g);
                    norm = total;
                    double twice = 2 * lr;
                    doubled = twice;
                    rate = lr;
                    p = p - rate * g;
                }
            }
            """).GetType("Demo.Copied")!;

        var parameters = new[] { new Parameter<double>(new double[] { 1, 2, 3 }), new Parameter<double>(new double[] { 4, 5 }) };
        parameters[0].Grad = new double[] { 3, 0, 0 };
        parameters[1].Grad = new double[] { 0, -4 };
        var optimizer = (Optimizer)Activator.CreateInstance(type, [parameters, 0.25])!;
        optimizer.Step();
        Assert.Equal(5.0, optimizer.GroupStateValue(0, "norm"));
        Assert.Equal(0.5, optimizer.GroupStateValue(0, "doubled"));
        Assert.Equal(0.25, optimizer.GroupStateValue(0, "rate"));
        Assert.Equal([0.25, 2, 3], parameters[0].Data.ToArray());
        Assert.Equal([4, 6], parameters[1].Data.ToArray());
    }
}
