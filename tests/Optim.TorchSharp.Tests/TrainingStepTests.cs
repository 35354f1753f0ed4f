using System;
using System.Linq;
using ScratchOptim.Dsl;
using ScratchOptim.Optimizers;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ScratchOptim.TorchSharp.Tests;

/// <summary>
/// Real training steps (forward, cross-entropy, backward, step) of two copies of one MLP on the same mini-batches:
/// one stepped by TorchSharp's <c>torch.optim.AdamW</c>, one by ScratchOptim's AdamW through <see cref="TorchOptimizer"/>.
/// The first step sees the same gradients, so the weights after it differ only by LibTorch's 1-ulp square roots (see
/// <see cref="TorchSharpOptimizerTests"/>): by at most 2 ulps of each tensor's largest weight (measured: 1.1e-7 of it
/// in float32, 1.4e-16 in float64). From then on each copy computes its gradients from its own weights, so those
/// last-bit differences pass through the forward and backward passes and grow slowly: after <see cref="Steps"/>
/// steps, measured 4.5e-7 (float32) and 6.1e-16 (float64) of a tensor's largest magnitude, and the losses 2.4e-7 and
/// 4.4e-16 apart. The bounds leave ten times that.
/// </summary>
public sealed class TrainingStepTests(ITestOutputHelper output)
{
    private const int Steps = 50;

    [Theory]
    [InlineData(ScalarType.Float32, 5e-6)]
    [InlineData(ScalarType.Float64, 1e-14)]
    public void Training_an_MLP_with_ScratchOptims_AdamW_follows_TorchSharps_AdamW(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var theirs = Mlp(dtype);
        var ours = Mlp(dtype);
        var generator = new Generator(23);
        var inputs = randn([Steps, 32, 64], dtype: dtype, generator: generator);
        var labels = randint(0, 10, [Steps, 32], generator: generator);

        const double lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01;
        var reference = optim.AdamW(theirs.parameters(), lr, beta1, beta2, eps, weightDecay);
        var optimizer = TorchOptimizer.Create(ours, ps => new AdamW(ps, lr, beta1, beta2, eps, weightDecay, pytorch: PyTorchVersion.V1_13));
        var parameters = theirs.parameters().Zip(ours.parameters(), (a, b) => (First: (Tensor)a, Second: (Tensor)b)).ToArray();
        Assert.All(parameters, pair => Assert.Equal(0, Tensors.MaxUlps(pair.First, pair.Second)));

        double largestLossDifference = 0;
        for (int step = 0; step < Steps; step++)
        {
            reference.zero_grad();
            using var theirLoss = nn.functional.cross_entropy(theirs.forward(inputs[step]), labels[step]);
            theirLoss.backward();
            reference.step();

            optimizer.ZeroGrad();
            using var ourLoss = nn.functional.cross_entropy(ours.forward(inputs[step]), labels[step]);
            ourLoss.backward();
            optimizer.Step();

            largestLossDifference = Math.Max(largestLossDifference, Math.Abs(theirLoss.ToDouble() - ourLoss.ToDouble()));
            if (step == 0)
            {
                // Same weights and batch, so the same gradients: only the roots differ (by an ulp), and each
                // weight by at most 2 ulps of the tensor's largest magnitude. In its own ulps a weight that the
                // step brought near zero may differ by many more.
                var (firstUlps, firstRelative) = Differences(parameters);
                double twoUlpsOfTheLargest = 2 * (dtype == ScalarType.Float32 ? Math.Pow(2, -23) : Math.Pow(2, -52));
                output.WriteLine($"{dtype}, after one step: weights differ by {firstRelative:G3} of a tensor's largest magnitude (at most {firstUlps} of their own ulps)");
                Assert.InRange(firstRelative, 0, twoUlpsOfTheLargest);
            }
        }

        var (ulps, relative) = Differences(parameters);
        output.WriteLine($"{dtype}, after {Steps} steps: weights differ by {relative:G3} of a tensor's largest magnitude (at most {ulps} of their own ulps); losses by at most {largestLossDifference:G3}");
        Assert.InRange(relative, 0, tolerance);
        Assert.InRange(largestLossDifference, 0, tolerance);
    }

    private static (long Ulps, double Relative) Differences((Tensor First, Tensor Second)[] parameters) => (
        parameters.Max(pair => Tensors.MaxUlps(pair.First, pair.Second)),
        parameters.Max(pair => Tensors.MaxRelative(Tensors.AsDoubles(pair.First), Tensors.AsDoubles(pair.Second))));

    /// <summary>64-128-10 with ReLU, initialised from one seed: every call gives the same weights.</summary>
    private static nn.Module<Tensor, Tensor> Mlp(ScalarType dtype)
    {
        torch.manual_seed(17);
        return nn.Sequential(("fc1", nn.Linear(64, 128)), ("relu", nn.ReLU()), ("fc2", nn.Linear(128, 10))).to(dtype);
    }
}
