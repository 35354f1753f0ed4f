using System;
using System.Linq;
using ScratchOptim.Train.Data;
using ScratchOptim.Train.Model;
using Xunit;

namespace ScratchOptim.Train.Tests;

public class ModelTests
{
    [Fact]
    public void Backpropagation_matches_central_finite_differences_of_the_mean_loss()
    {
        // float64 so the differences are accurate to ~1e-9; two hidden layers so the chain passes ReLU twice.
        var data = RandomData(examples: 40, features: 5, classes: 4, seed: 11);
        var model = new Mlp<double>([5, 7, 6, 4], seed: 6);
        int[] batch = [.. Enumerable.Range(0, 40)];
        model.ZeroGradients();
        model.AccumulateGradients(data, batch, 1.0 / batch.Length);
        var analytic = model.Parameters.SelectMany(parameter => parameter.Grad!.Value.ToArray()).ToArray();

        var weights = new double[model.ParameterCount];
        model.CopyParametersTo(weights);
        const double h = 1e-6;
        double worst = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double saved = weights[i];
            weights[i] = saved + h;
            model.SetParameters(weights);
            double above = model.Evaluate(data).Loss;
            weights[i] = saved - h;
            model.SetParameters(weights);
            double below = model.Evaluate(data).Loss;
            weights[i] = saved;

            double numeric = (above - below) / (2 * h);
            worst = Math.Max(worst, Math.Abs(numeric - analytic[i]) / Math.Max(1e-3, Math.Abs(numeric) + Math.Abs(analytic[i])));
        }
        Assert.True(worst < 1e-6, $"largest relative difference between backpropagation and finite differences: {worst:E2}");
        // The check means something only if most gradients are not zero (a unit inactive on every example has none).
        Assert.True(analytic.Count(g => g != 0) > 0.9 * analytic.Length, $"{analytic.Count(g => g != 0)} of {analytic.Length}");
    }

    [Fact]
    public void The_loss_is_cross_entropy_of_the_softmax_and_does_not_overflow_on_large_logits()
    {
        double[] logits = [1, 2, 3];
        double expected = -Math.Log(Math.Exp(2) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        Assert.Equal(expected, SoftmaxCrossEntropy.Loss<double>(logits, label: 1, new double[3]), 1e-15);

        // Shifting every logit by 1000 changes nothing, although e^1000 overflows.
        float[] large = [1001, 1002, 1003];
        Assert.Equal((float)expected, SoftmaxCrossEntropy.Loss<float>(large, label: 1, new float[3]), 1e-5f);
    }

    [Fact]
    public void The_loss_gradient_is_the_scaled_softmax_minus_the_one_hot_label()
    {
        double[] logits = [0.5, -1, 2];
        var gradient = new double[3];
        double sum = logits.Sum(Math.Exp);

        double loss = SoftmaxCrossEntropy.LossAndGradient<double>(logits, label: 2, scale: 0.25, gradient);

        Assert.Equal(-Math.Log(Math.Exp(2) / sum), loss, 1e-15);
        Assert.Equal(0.25 * Math.Exp(0.5) / sum, gradient[0], 1e-15);
        Assert.Equal(0.25 * Math.Exp(-1) / sum, gradient[1], 1e-15);
        Assert.Equal(0.25 * (Math.Exp(2) / sum - 1), gradient[2], 1e-15);
    }

    [Fact]
    public void The_initial_weights_follow_pytorchs_linear_default_and_are_fixed_by_the_seed()
    {
        var model = new Mlp<float>([64, 128, 10], seed: 7);

        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], model.Parameters.Select(p => p.Name));
        Assert.Equal(64 * 128 + 128 + 128 * 10 + 10, model.ParameterCount);
        Assert.Equal("64-128-10 MLP (9,610 parameters)", model.Architecture);
        // U(-1/√fan_in, 1/√fan_in) for weight and bias: within the bound, and spread over it.
        foreach (var (parameter, fanIn) in model.Parameters.Zip(new[] { 64, 64, 128, 128 }))
        {
            var values = parameter.Data.ToArray();
            float bound = 1 / MathF.Sqrt(fanIn);
            Assert.All(values, value => Assert.InRange(value, -bound, bound));
            Assert.True(values.Max() > 0.8f * bound && values.Min() < -0.8f * bound, parameter.Name);
        }
        var again = Weights(new Mlp<float>([64, 128, 10], seed: 7));
        var other = Weights(new Mlp<float>([64, 128, 10], seed: 8));
        Assert.Equal(Weights(model), again);
        Assert.NotEqual(Weights(model), other);
    }

    [Fact]
    public void A_batch_split_in_parts_accumulates_the_same_gradient_bits_as_the_whole_batch()
    {
        var data = RandomData(examples: 10, features: 8, classes: 3, seed: 5);
        int[] batch = [9, 2, 4, 0, 7, 1, 3];
        float scale = 1f / batch.Length;

        var whole = new Mlp<float>([8, 16, 3], seed: 1);
        whole.ZeroGradients();
        double wholeLoss = whole.AccumulateGradients(data, batch, scale);
        var parts = new Mlp<float>([8, 16, 3], seed: 1);
        parts.ZeroGradients();
        double partsLoss = parts.AccumulateGradients(data, batch.AsSpan(0, 3), scale) + parts.AccumulateGradients(data, batch.AsSpan(3), scale);

        Assert.Equal(Gradients(whole), Gradients(parts));
        Assert.Equal(wholeLoss, partsLoss, 1e-12);
    }

    [Fact]
    public void Evaluation_counts_the_examples_whose_largest_logit_is_the_label()
    {
        // One input feature, two classes, no hidden layer: logits = (w0 x + b0, w1 x + b1).
        var data = new Dataset("four", [1f, -1f, 2f, -3f], [1, 0, 0, 0], featureCount: 1, classCount: 2);
        var model = new Mlp<double>([1, 2], seed: 0);
        model.SetParameters([-1.0, 1.0, 0.0, 0.0]); // logits (-x, x): class 1 wins where x > 0

        var evaluation = model.Evaluate(data);

        Assert.Equal(0.75, evaluation.Accuracy); // right on x = 1, -1, -3; wrong on x = 2
        double expected = new[] { (1.0, 1), (-1.0, 0), (2.0, 0), (-3.0, 0) }
            .Average(e => Math.Log(Math.Exp(-e.Item1) + Math.Exp(e.Item1)) - (e.Item2 == 1 ? e.Item1 : -e.Item1));
        Assert.Equal(expected, evaluation.Loss, 1e-14);
    }

    [Fact]
    public void Data_of_the_wrong_width_is_refused()
    {
        var model = new Mlp<float>([4, 3, 2], seed: 0);
        var data = RandomData(examples: 2, features: 5, classes: 2, seed: 0);

        var error = Assert.Throws<ArgumentException>(() => model.Evaluate(data));

        Assert.Contains("5 features per example; this network takes 4", error.Message);
    }

    private static Dataset RandomData(int examples, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, examples * features).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var labels = Enumerable.Range(0, examples).Select(i => (byte)(i % classes)).ToArray();
        return new Dataset("random", values, labels, features, classes);
    }

    private static float[] Weights(Mlp<float> model)
    {
        var weights = new float[model.ParameterCount];
        model.CopyParametersTo(weights);
        return weights;
    }

    private static float[] Gradients(Mlp<float> model) => [.. model.Parameters.SelectMany(parameter => parameter.Grad!.Value.ToArray())];
}
