using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// Optimizers a newcomer writes from the README alone, with parts of the DSL no built-in uses, generated, compiled and
/// stepped on double parameters against a plain scalar reference written here: a per-tensor <c>Element</c> state
/// (<c>StateShape.Tensor</c>); a per-element mask whose mean scales the step (Cautious Adam), under a user enum and a
/// bool; a schedule and a Lookahead sync every <c>k</c> steps from int hyperparameters (<c>t % k</c>); a cosine
/// schedule with restarts (<c>Cos</c> of a step-uniform value) and a per-element <c>Sin</c>; SM3's cover of a matrix,
/// one accumulator per row and one per column, each the largest of its row's or column's values (<c>RowMaxAbs</c>,
/// <c>ColumnMaxAbs</c>).
/// </summary>
public class UserDeclarationTests
{
    private const string Declarations = """
        public enum DecayKind { None, Coupled, Decoupled }

        [Optimizer(StepState = null)]
        public partial class NormEma
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [State(Shape = StateShape.Tensor)] Element s;
            void Update(ref Element p, Element g, int t)
            {
                s = 0.9 * s + 0.1 * Norm(g);
                p = p - lr * g / (s + 1e-8);
            }
        }

        [Optimizer(StepState = null)]
        public partial class CautiousAdam
        {
            [Hyper(Min = 0)] double lr = 1e-3;
            [Hyper(Min = 0)] double weightDecay = 0.01;
            [Hyper] DecayKind decayKind = DecayKind.Decoupled;
            [Hyper] bool cautious = true;
            [State] Element m;
            [State] Element v;
            void Update(ref Element p, Element g, int t)
            {
                if (decayKind == DecayKind.Coupled) g = g + weightDecay * p;
                if (decayKind == DecayKind.Decoupled) p = p * (1 - lr * weightDecay);
                m = 0.9 * m + 0.1 * g;
                v = 0.999 * v + 0.001 * g * g;
                Element u = (m / (1 - Pow(0.9, t))) / (Sqrt(v / (1 - Pow(0.999, t))) + 1e-8);
                Element mask = u * g > 0 ? 1 : 0;
                double scale = cautious ? 1 / Max(Mean(mask), 1e-3) : 1;
                if (cautious) u = u * mask * scale;
                p = p - lr * u;
            }
        }

        [Optimizer(StepState = null)]
        public partial class WarmLookahead
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0)] int warmup = 3;
            [Hyper(Min = 1)] int k = 4;
            [State] Element m;
            [State] Element slow;
            void Update(ref Element p, Element g, int t)
            {
                if (t == 1) slow = p;
                double schedule = t <= warmup ? (double)t / warmup : Pow(0.9, t - warmup);
                m = 0.9 * m + g;
                p = p - lr * schedule * m;
                if (t % k == 0)
                {
                    slow = slow + 0.5 * (p - slow);
                    p = slow;
                }
            }
        }

        [Optimizer(StepState = null)]
        public partial class CosineRestarts
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0)] double minLr = 0.001;
            [Hyper(Min = 1)] int period = 4;
            void Update(ref Element p, Element g, int t)
            {
                double rate = minLr + 0.5 * (lr - minLr) * (1 + Cos(System.Math.PI * ((t - 1) % period) / period));
                p = p - rate * Sin(g);
            }
        }

        [Optimizer(StepState = null, MaxRank = 2)]
        public partial class CoverSM3
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0, Max = 1, MaxExclusive = true)] double momentum = 0.5;
            [Hyper(Min = 0)] double eps = 1e-30;
            [State(Shape = StateShape.Row)] Element rowAccumulator;
            [State(Shape = StateShape.Column)] Element columnAccumulator;
            [State] Element accumulator;
            [State] Element buffer;
            void Update(ref Element p, Element g, int t)
            {
                Element nu;
                if (Rank(p) > 1)
                {
                    nu = Min(rowAccumulator, columnAccumulator) + g * g;
                    rowAccumulator = RowMaxAbs(nu);
                    columnAccumulator = ColumnMaxAbs(nu);
                }
                else
                {
                    accumulator = accumulator + g * g;
                    nu = accumulator;
                }
                buffer = momentum * buffer + (1 - momentum) * (g / Sqrt(nu + eps));
                p = p - lr * buffer;
            }
        }
        """;

    private static readonly Lazy<Assembly> Built = new(() => GeneratorHarness.Build(Declarations));

    [Fact]
    public void A_per_tensor_element_state_keeps_one_value_per_tensor()
    {
        double[] s = new double[2];
        Run("NormEma", [0.1], 5, (t, p, g) =>
        {
            for (int k = 0; k < p.Length; k++)
            {
                s[k] = 0.9 * s[k] + 0.1 * Math.Sqrt(g[k].Sum(x => x * x));
                for (int i = 0; i < p[k].Length; i++) p[k][i] -= 0.1 * g[k][i] / (s[k] + 1e-8);
            }
        });
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public void A_mask_from_per_element_comparisons_scales_the_step_by_its_mean(int decayKind, bool cautious)
    {
        var m = new[] { new double[Sizes[0]], new double[Sizes[1]] };
        var v = new[] { new double[Sizes[0]], new double[Sizes[1]] };
        var kind = Enum.ToObject(Built.Value.GetType("Demo.DecayKind")!, decayKind);
        Run("CautiousAdam", [0.01, 0.1, kind, cautious], 5, (t, p, g) =>
        {
            for (int k = 0; k < p.Length; k++)
            {
                var gk = g[k].ToArray();
                var u = new double[gk.Length];
                for (int i = 0; i < gk.Length; i++)
                {
                    if (decayKind == 1) gk[i] += 0.1 * p[k][i];
                    if (decayKind == 2) p[k][i] *= 1 - 0.01 * 0.1;
                    m[k][i] = 0.9 * m[k][i] + 0.1 * gk[i];
                    v[k][i] = 0.999 * v[k][i] + 0.001 * gk[i] * gk[i];
                    u[i] = m[k][i] / (1 - Math.Pow(0.9, t)) / (Math.Sqrt(v[k][i] / (1 - Math.Pow(0.999, t))) + 1e-8);
                }
                double mean = u.Select((x, i) => x * gk[i] > 0 ? 1.0 : 0.0).Average();
                for (int i = 0; i < gk.Length; i++)
                {
                    if (cautious) u[i] = u[i] * (u[i] * gk[i] > 0 ? 1 : 0) / Math.Max(mean, 1e-3);
                    p[k][i] -= 0.01 * u[i];
                }
            }
        });
    }

    [Fact]
    public void A_schedule_and_a_sync_every_k_steps_follow_the_int_hyperparameters()
    {
        var m = new[] { new double[Sizes[0]], new double[Sizes[1]] };
        var slow = new[] { new double[Sizes[0]], new double[Sizes[1]] };
        Run("WarmLookahead", [0.1, 3, 4], 9, (t, p, g) =>
        {
            double schedule = t <= 3 ? t / 3.0 : Math.Pow(0.9, t - 3);
            for (int k = 0; k < p.Length; k++)
            {
                if (t == 1) Array.Copy(p[k], slow[k], p[k].Length);
                for (int i = 0; i < p[k].Length; i++)
                {
                    m[k][i] = 0.9 * m[k][i] + g[k][i];
                    p[k][i] -= 0.1 * schedule * m[k][i];
                    if (t % 4 == 0)
                    {
                        slow[k][i] += 0.5 * (p[k][i] - slow[k][i]);
                        p[k][i] = slow[k][i];
                    }
                }
            }
        });
    }

    [Fact]
    public void A_cosine_schedule_with_restarts_and_a_per_element_sine_follow_System_Math()
    {
        Run("CosineRestarts", [0.1, 0.001, 4], 9, (t, p, g) =>
        {
            double rate = 0.001 + 0.5 * (0.1 - 0.001) * (1 + Math.Cos(Math.PI * ((t - 1) % 4) / 4));
            for (int k = 0; k < p.Length; k++)
                for (int i = 0; i < p[k].Length; i++) p[k][i] -= rate * Math.Sin(g[k][i]);
        });
    }

    [Fact]
    public void A_cover_of_rows_and_columns_keeps_each_ones_largest_value()
    {
        // A matrix wider than a vector with a column tail, a small one, and a vector (its own accumulator per element).
        int[][] shapes = [[37, 70], [5, 7], [13]];
        var rows = shapes.Select(s => new double[s.Length > 1 ? s[0] : 0]).ToArray();
        var columns = shapes.Select(s => new double[s.Length > 1 ? s[1] : 0]).ToArray();
        var accumulator = shapes.Select(s => new double[s.Length > 1 ? 0 : s[0]]).ToArray();
        var buffer = shapes.Select(s => new double[s.Aggregate(1, (a, b) => a * b)]).ToArray();
        Run("CoverSM3", [0.1, 0.5, 1e-30], 6, (t, p, g) =>
        {
            for (int k = 0; k < p.Length; k++)
            {
                var nu = new double[p[k].Length];
                if (shapes[k].Length > 1)
                {
                    int width = shapes[k][1];
                    for (int i = 0; i < nu.Length; i++) nu[i] = Math.Min(rows[k][i / width], columns[k][i % width]) + g[k][i] * g[k][i];
                    for (int r = 0; r < rows[k].Length; r++) rows[k][r] = nu.Skip(r * width).Take(width).Max();
                    for (int c = 0; c < width; c++) columns[k][c] = nu.Where((_, i) => i % width == c).Max();
                }
                else
                {
                    for (int i = 0; i < nu.Length; i++) nu[i] = accumulator[k][i] += g[k][i] * g[k][i];
                }
                for (int i = 0; i < nu.Length; i++)
                {
                    buffer[k][i] = 0.5 * buffer[k][i] + 0.5 * (g[k][i] / Math.Sqrt(nu[i] + 1e-30));
                    p[k][i] -= 0.1 * buffer[k][i];
                }
            }
        }, shapes);
    }

    /// <summary>One tensor of two blocks and a tail, one smaller than a vector.</summary>
    private static readonly int[] Sizes = [4100, 13];

    /// <summary>
    /// Steps the optimizer and the reference on the same random gradients; the two agree to rounding. A twin of the
    /// optimizer runs every element through the scalar form (<see cref="Simd.SimdWidth.Scalar"/>) and gives the same bits.
    /// </summary>
    private static void Run(string name, object?[] hyperparameters, int steps, Action<int, double[][], double[][]> reference, int[][]? shapes = null)
    {
        shapes ??= [.. Sizes.Select(n => new[] { n })];
        var random = new Random(11);
        var start = shapes.Select(s => Enumerable.Range(0, s.Aggregate(1, (a, b) => a * b)).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray();
        var parameters = start.Select((x, k) => new Parameter<double>(x.ToArray(), shapes[k])).ToArray();
        var scalarParameters = start.Select((x, k) => new Parameter<double>(x.ToArray(), shapes[k])).ToArray();
        var expected = start.Select(x => x.ToArray()).ToArray();
        var type = Built.Value.GetType("Demo." + name)!;
        using var optimizer = (Optimizer)Activator.CreateInstance(type, [parameters, .. hyperparameters])!;
        using var scalar = (Optimizer)Activator.CreateInstance(type, [scalarParameters, .. hyperparameters])!;
        scalar.VectorWidth = Simd.SimdWidth.Scalar;
        for (int t = 1; t <= steps; t++)
        {
            var gradients = start.Select(x => Enumerable.Range(0, x.Length).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
            for (int k = 0; k < parameters.Length; k++)
            {
                parameters[k].Grad = gradients[k].ToArray();
                scalarParameters[k].Grad = gradients[k].ToArray();
            }
            optimizer.Step();
            scalar.Step();
            reference(t, expected, gradients);
            for (int k = 0; k < parameters.Length; k++)
            {
                var actual = parameters[k].Data.Span;
                var scalarForm = scalarParameters[k].Data.Span;
                for (int i = 0; i < actual.Length; i++)
                {
                    Assert.True(Math.Abs(actual[i] - expected[k][i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[k][i])),
                        $"{name}, step {t}, tensor {k}, element {i}: {actual[i]:R}, expected {expected[k][i]:R}");
                    Assert.True(BitConverter.DoubleToInt64Bits(actual[i]) == BitConverter.DoubleToInt64Bits(scalarForm[i]),
                        $"{name}, step {t}, tensor {k}, element {i}: {actual[i]:R} on vectors, {scalarForm[i]:R} in the scalar form");
                }
            }
        }
    }
}
