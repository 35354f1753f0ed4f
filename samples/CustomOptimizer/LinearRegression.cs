using System;

namespace CustomOptimizer;

/// <summary>
/// A small least-squares problem, y = X·w + b + noise, with synthetic data from a fixed seed, and its loss and
/// gradient computed by hand: loss = mean((X·w + b − y)²), ∂loss/∂w = 2/n · Xᵀr, ∂loss/∂b = 2/n · Σr, r = X·w + b − y.
/// </summary>
public sealed class LinearRegression
{
    private readonly float[] x;
    private readonly float[] y;

    private LinearRegression(float[] x, float[] y, int samples, int features)
    {
        this.x = x;
        this.y = y;
        Samples = samples;
        Features = features;
    }

    /// <summary>The number of rows.</summary>
    public int Samples { get; }

    /// <summary>The number of weights.</summary>
    public int Features { get; }

    /// <summary>The weights the data was drawn from.</summary>
    public static float[] TrueWeights { get; } = [2.0f, -3.0f, 0.5f, 1.5f];

    /// <summary>The bias the data was drawn from.</summary>
    public const float TrueBias = 0.7f;

    /// <summary>Draws <paramref name="samples"/> rows with inputs uniform in [-1, 1] and Gaussian noise of σ = 0.1.</summary>
    public static LinearRegression Create(int samples, int seed)
    {
        var random = new Random(seed);
        int features = TrueWeights.Length;
        var x = new float[samples * features];
        var y = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            double target = TrueBias;
            for (int j = 0; j < features; j++)
            {
                float value = (float)(2 * random.NextDouble() - 1);
                x[i * features + j] = value;
                target += TrueWeights[j] * value;
            }
            // Box-Muller: one standard normal from two uniforms.
            double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            y[i] = (float)(target + 0.1 * noise);
        }
        return new LinearRegression(x, y, samples, features);
    }

    /// <summary>The mean squared error at <paramref name="w"/>, <paramref name="b"/>; fills the gradients when they are given.</summary>
    public double Loss(ReadOnlySpan<float> w, float b, Span<float> gradW = default, Span<float> gradB = default)
    {
        bool withGradient = !gradW.IsEmpty;
        if (withGradient)
        {
            gradW.Clear();
            gradB.Clear();
        }
        double sum = 0;
        for (int i = 0; i < Samples; i++)
        {
            var row = x.AsSpan(i * Features, Features);
            double prediction = b;
            for (int j = 0; j < Features; j++) prediction += w[j] * row[j];
            double residual = prediction - y[i];
            sum += residual * residual;
            if (!withGradient) continue;
            float scale = (float)(2 * residual / Samples);
            for (int j = 0; j < Features; j++) gradW[j] += scale * row[j];
            gradB[0] += scale;
        }
        return sum / Samples;
    }
}
