using System;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// The options that are not in the authors' classes (so no reference case covers them), each giving the paper's form
/// where the authors' code deviates from it. The expected values are the formulas evaluated in double, so they are
/// compared to a relative 1e-6; each test also checks the other setting against its own formula, and that the two
/// differ, so an option that changed nothing would fail.
/// </summary>
public class PaperOptionTests
{
    private const float Gradient = 0.5f;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AdaBelief_keeps_eps_in_the_belief_only_when_accumulateEps_is_on(bool accumulateEps)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-3;
        var weights = new Parameter<float>([1f], "w");
        var optimizer = new AdaBelief([weights], eps: eps, rectify: false, accumulateEps: accumulateEps);

        double m = 0, withEps = 0, withoutEps = 0;
        for (int step = 1; step <= 2; step++)
        {
            weights.Grad = new float[] { Gradient };
            optimizer.Step();
            m = beta1 * m + (1 - beta1) * Gradient;
            double residualSquared = (Gradient - m) * (Gradient - m);
            withEps = beta2 * withEps + (1 - beta2) * residualSquared + eps;
            withoutEps = beta2 * withoutEps + (1 - beta2) * residualSquared;
        }

        float belief = optimizer.State<float>(weights, "exp_avg_var")[0];
        AssertClose(accumulateEps ? withEps : withoutEps, belief);
        Assert.False(IsClose(accumulateEps ? withoutEps : withEps, belief));
    }

    [Theory]
    [InlineData("AdaBound")]
    [InlineData("AdaBoundW")]
    public void AdaBound_without_bias_correction_clips_the_papers_step_size(string name)
    {
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        double m = (1 - beta1) * Gradient, v = (1 - beta2) * Gradient * Gradient;
        // At t = 1 the bounds are about [1e-4, 100]: neither is active.
        double papers = lr / (Math.Sqrt(v) + eps) * m;
        double authors = lr * Math.Sqrt(1 - beta2) / (1 - beta1) / (Math.Sqrt(v) + eps) * m;

        foreach (var (biasCorrection, expected) in new[] { (false, papers), (true, authors) })
        {
            var weights = new Parameter<float>([1f], "w") { Grad = new float[] { Gradient } };
            var optimizer = Catalog.Find(name)!.Create([weights]);
            optimizer.GroupHyperparameters(0).Set("lr", lr);
            optimizer.GroupHyperparameters(0).Set("biasCorrection", biasCorrection);
            optimizer.Step();
            AssertClose(1 - expected, weights.Data.Span[0]);
        }
        Assert.True(papers > 3 * authors);
    }

    private static bool IsClose(double expected, float actual) => Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected);

    private static void AssertClose(double expected, float actual) =>
        Assert.True(IsClose(expected, actual), $"expected {expected:R}, got {actual:R}");
}
