using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// The race's numbers are real: its positions, step by step, are recomputed here without the library or the race
/// engine, from the published update rules and the README's arithmetic contract, on the same landscape. The
/// contract makes every rounding determined (step-uniform values in double, rounded to float where they meet an
/// element; per-element float arithmetic; <c>x ± a·b</c> fused where the product is the right operand), so the
/// comparison is bit for bit, with no tolerance. A thousand steps, because a one-ulp difference in a running average
/// can fade before it reaches the position: over 100 steps, rounding Adam's first moment unfused changes no position;
/// over 1000 it does, as does any other rounding choice of the contract tried here.
/// </summary>
public class IndependentRaceTests
{
    private const int Steps = 1000;
    private static readonly double[] Start = [-1.5, 2];

    [Fact]
    public void Adam_on_Rosenbrock_matches_an_independent_computation_bit_for_bit()
    {
        const double lr = 0.02, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var expected = Independent((p, g, m, v, t) =>
        {
            for (int i = 0; i < p.Length; i++)
            {
                // m ← lerp(m, g, 1 − β1), as PyTorch 2.x: the weight 0.1 is below 0.5, so m + w·(g − m), g − m rounded on
                // its own and the rest one fused multiply-add.
                m[i] = MathF.FusedMultiplyAdd((float)(1 - beta1), g[i] - m[i], m[i]);
                // v ← β2·v + (1 − β2)·g·g: the right-hand product fused, the left one rounded.
                v[i] = MathF.FusedMultiplyAdd((float)(1 - beta2) * g[i], g[i], (float)beta2 * v[i]);
                // Bias corrections and the step size in double, once per step; PyTorch 2.x takes the root as bc2 ** 0.5.
                double biasCorrection1 = 1 - Math.Pow(beta1, t);
                double biasCorrection2 = 1 - Math.Pow(beta2, t);
                double stepSize = lr / biasCorrection1;
                // denom ← √v / √bc2 + ε (element / scalar is a true division); p ← p − stepSize·m / denom (a quotient: not fused).
                float denom = MathF.Sqrt(v[i]) / (float)Math.Pow(biasCorrection2, 0.5) + (float)eps;
                p[i] = p[i] - (float)stepSize * m[i] / denom;
            }
        });

        AssertSamePath(expected, Race("Adam", lr));
    }

    [Fact]
    public void SGD_with_momentum_on_Rosenbrock_matches_an_independent_computation_bit_for_bit()
    {
        const double lr = 0.001, momentum = 0.9;
        var expected = Independent((p, g, buffer, _, t) =>
        {
            for (int i = 0; i < p.Length; i++)
            {
                // PyTorch starts the velocity at the first gradient; then buf ← μ·buf + g (dampening 0: (1 − 0)·g fused).
                buffer[i] = t == 1 ? g[i] : MathF.FusedMultiplyAdd(1f, g[i], (float)momentum * buffer[i]);
                // p ← p − lr·buf, fused as ATen's add_(buf, alpha=-lr).
                p[i] = MathF.FusedMultiplyAdd(-(float)lr, buffer[i], p[i]);
            }
        });

        AssertSamePath(expected, Race("SGD+momentum", lr));
    }

    /// <summary>One step of an optimizer on (p, g, first state, second state, step number from 1), in place.</summary>
    private delegate void Update(float[] p, float[] g, float[] first, float[] second, int t);

    /// <summary>Every position from the start on, as a training loop computes them, with Rosenbrock's gradient written out here.</summary>
    private static List<float[]> Independent(Update update)
    {
        var p = Array.ConvertAll(Start, c => (float)c);
        float[] first = new float[2], second = new float[2], g = new float[2];
        var path = new List<float[]> { (float[])p.Clone() };
        for (int t = 1; t <= Steps; t++)
        {
            // ∇[(1 − x)² + 100(y − x²)²] = (−2(1 − x) − 400x(y − x²), 200(y − x²)), in float.
            float x = p[0], y = p[1];
            float valley = y - x * x;
            g[0] = -2f * (1f - x) - 400f * x * valley;
            g[1] = 200f * valley;
            update(p, g, first, second, t);
            path.Add((float[])p.Clone());
        }
        return path;
    }

    private static RacerRun Race(string racer, double lr) =>
        RaceEngine.Run(new Rosenbrock(), [new RaceEntry(RacerCatalog.Find(racer)!, lr)], new RaceSettings(Steps, Start)).Runs.Single();

    private static void AssertSamePath(List<float[]> expected, RacerRun run)
    {
        Assert.Equal(expected.Count, run.Path.Count);
        for (int step = 0; step < expected.Count; step++)
        {
            for (int i = 0; i < 2; i++)
            {
                // The race records float positions widened to double: widening is exact, so equality is bit equality.
                float raced = (float)run.Path[step][i];
                Assert.True(BitConverter.SingleToInt32Bits(expected[step][i]) == BitConverter.SingleToInt32Bits(raced),
                    $"step {step}, coordinate {i}: independent {expected[step][i]:R}, race {raced:R}");
                Assert.Equal((double)raced, run.Path[step][i]);
            }
        }
        // And the race made real progress, so the comparison is not between two positions that never moved.
        Assert.True(run.FinalLoss < run.Losses[0] / 2, $"loss went from {run.Losses[0]} to {run.FinalLoss}");
    }
}
