using System;
using System.Numerics;
using System.Numerics.Tensors;
using ScratchOptim.Race.Numerics;

namespace ScratchOptim.Train.Model;

/// <summary>
/// A fully connected layer, as <c>torch.nn.Linear</c>: <c>y = x Wᵀ + b</c> for each example <c>x</c>, with the weight
/// <c>W</c> of shape [outputs, inputs] and the bias <c>b</c> of [outputs], each a <see cref="Parameter{T}"/> whose
/// gradient buffer this layer owns.
/// </summary>
public sealed class DenseLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] weight;
    private readonly T[] bias;
    private readonly T[] weightGradient;
    private readonly T[] biasGradient;

    /// <summary>PyTorch's default initialization of <c>nn.Linear</c>: weight and bias uniform in ±1/√inputs, drawn from <paramref name="random"/>.</summary>
    internal DenseLayer(int inputs, int outputs, string name, SplitMix64 random)
    {
        Inputs = inputs;
        Outputs = outputs;
        weight = new T[outputs * inputs];
        bias = new T[outputs];
        weightGradient = new T[weight.Length];
        biasGradient = new T[bias.Length];
        double bound = 1 / Math.Sqrt(inputs);
        for (int i = 0; i < weight.Length; i++) weight[i] = T.CreateChecked(random.NextDouble(-bound, bound));
        for (int i = 0; i < bias.Length; i++) bias[i] = T.CreateChecked(random.NextDouble(-bound, bound));
        Weight = new Parameter<T>(weight, [outputs, inputs], name + ".weight") { Grad = weightGradient };
        Bias = new Parameter<T>(bias, [outputs], name + ".bias") { Grad = biasGradient };
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public Parameter<T> Weight { get; }

    public Parameter<T> Bias { get; }

    /// <summary>Row <paramref name="output"/> of the weight: the input weights of that output.</summary>
    private Span<T> WeightRow(int output) => weight.AsSpan(output * Inputs, Inputs);

    private Span<T> WeightGradientRow(int output) => weightGradient.AsSpan(output * Inputs, Inputs);

    /// <summary>Writes <c>y = x Wᵀ + b</c> for <paramref name="batch"/> examples, one row each (row-major).</summary>
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batch)
    {
        for (int example = 0; example < batch; example++)
        {
            var x = input.Slice(example * Inputs, Inputs);
            var y = output.Slice(example * Outputs, Outputs);
            for (int o = 0; o < Outputs; o++) y[o] = TensorPrimitives.Dot(x, WeightRow(o)) + bias[o];
        }
    }

    /// <summary>
    /// Given ∂L/∂y for each example, adds ∂L/∂W = Σ (∂L/∂y)ᵀ x and ∂L/∂b = Σ ∂L/∂y to the gradients, example by
    /// example in order (so a batch split into parts adds up the same numbers in the same order), and writes
    /// ∂L/∂x = (∂L/∂y) W into <paramref name="inputGradient"/> unless it is empty (the first layer needs none).
    /// </summary>
    public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batch)
    {
        for (int example = 0; example < batch; example++)
        {
            var x = input.Slice(example * Inputs, Inputs);
            var dy = outputGradient.Slice(example * Outputs, Outputs);
            TensorPrimitives.Add(biasGradient, dy, biasGradient);
            for (int o = 0; o < Outputs; o++) TensorPrimitives.MultiplyAdd(x, dy[o], WeightGradientRow(o), WeightGradientRow(o));

            if (inputGradient.IsEmpty) continue;
            var dx = inputGradient.Slice(example * Inputs, Inputs);
            dx.Clear();
            for (int o = 0; o < Outputs; o++) TensorPrimitives.MultiplyAdd(WeightRow(o), dy[o], dx, dx);
        }
    }
}
