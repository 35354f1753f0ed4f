using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using ScratchOptim.Race.Numerics;
using ScratchOptim.Train.Data;

namespace ScratchOptim.Train.Model;

/// <summary>Mean loss and accuracy of a model over a set of examples.</summary>
public readonly record struct Evaluation(double Loss, double Accuracy);

/// <summary>
/// A multilayer perceptron classifier: dense layers with ReLU between them and softmax cross-entropy on the last
/// layer's outputs (the logits), e.g. 64-128-10 for the 8×8 digits. Forward and backward passes are written on
/// <see cref="TensorPrimitives"/> (dot products, multiply-adds, exponentials), one example at a time, with every
/// buffer allocated once: a training step allocates nothing.
/// </summary>
/// <typeparam name="T">float for training; double for checking gradients against finite differences.</typeparam>
public sealed class Mlp<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Examples per forward pass when evaluating.</summary>
    private const int EvaluationChunk = 256;

    private readonly DenseLayer<T>[] layers;

    /// <summary>Per layer boundary, for the examples of one pass: [0] the inputs, [l] the outputs of layer l (after ReLU except the last).</summary>
    private T[][] activations = [];

    /// <summary>∂L/∂(activations[l]) for the same examples.</summary>
    private T[][] activationGradients = [];

    private int capacity;

    /// <summary>Makes the network with PyTorch's default initialization, drawn from SplitMix64 seeded with <paramref name="seed"/>.</summary>
    /// <param name="layerSizes">Inputs, the hidden widths, classes: at least two sizes, each at least 1.</param>
    /// <param name="seed">Fixes the initial weights.</param>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size below 1.</exception>
    public Mlp(IReadOnlyList<int> layerSizes, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2 || layerSizes.Any(size => size < 1))
            throw new ArgumentException($"An MLP needs an input size and an output size, each at least 1, with hidden sizes between; got [{string.Join(", ", layerSizes)}].", nameof(layerSizes));
        LayerSizes = [.. layerSizes];
        var random = new SplitMix64(seed);
        layers = new DenseLayer<T>[layerSizes.Count - 1];
        for (int l = 0; l < layers.Length; l++) layers[l] = new DenseLayer<T>(layerSizes[l], layerSizes[l + 1], $"fc{l + 1}", random);
        Parameters = [.. layers.SelectMany(layer => new[] { layer.Weight, layer.Bias })];
        ParameterCount = Parameters.Sum(parameter => parameter.Length);
    }

    /// <summary>Inputs, hidden widths, classes.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    public IReadOnlyList<DenseLayer<T>> Layers => layers;

    /// <summary>fc1.weight, fc1.bias, fc2.weight, … : what the optimizer updates, with their gradient buffers.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The number of weights and biases.</summary>
    public int ParameterCount { get; }

    /// <summary>A description such as <c>64-128-10 MLP (9,610 parameters)</c>.</summary>
    public string Architecture => $"{string.Join("-", LayerSizes)} MLP ({ParameterCount:N0} parameters)";

    /// <summary>Every parameter's values, one after another in <see cref="Parameters"/> order.</summary>
    public void CopyParametersTo(Span<T> destination)
    {
        CheckFlatLength(destination.Length);
        foreach (var parameter in Parameters)
        {
            parameter.Data.Span.CopyTo(destination);
            destination = destination[parameter.Length..];
        }
    }

    /// <summary>Sets every parameter from values laid out as <see cref="CopyParametersTo"/> writes them.</summary>
    public void SetParameters(ReadOnlySpan<T> values)
    {
        CheckFlatLength(values.Length);
        foreach (var parameter in Parameters)
        {
            values[..parameter.Length].CopyTo(parameter.Data.Span);
            values = values[parameter.Length..];
        }
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients()
    {
        foreach (var parameter in Parameters) parameter.Grad!.Value.Span.Clear();
    }

    /// <summary>
    /// Runs the examples <paramref name="indices"/> of <paramref name="data"/> forward and backward and adds
    /// <paramref name="scale"/> × the gradient of their summed loss to the parameters' gradients (scale 1/N for the
    /// mean over a step of N examples). Returns the summed loss.
    /// </summary>
    public double AccumulateGradients(Dataset data, ReadOnlySpan<int> indices, T scale)
    {
        int batch = indices.Length;
        Forward(data, indices);

        // The loss, and its gradient with respect to the logits.
        double loss = 0;
        var logits = activations[^1];
        var logitGradients = activationGradients[^1];
        int classes = LayerSizes[^1];
        for (int example = 0; example < batch; example++)
        {
            loss += double.CreateChecked(SoftmaxCrossEntropy.LossAndGradient<T>(
                logits.AsSpan(example * classes, classes), data.Label(indices[example]), scale, logitGradients.AsSpan(example * classes, classes)));
        }

        // Back through the layers: each adds its parameters' gradients and hands ∂L/∂(its input) to the layer before.
        for (int l = layers.Length - 1; l >= 0; l--)
        {
            var layer = layers[l];
            var inputGradient = l == 0 ? Span<T>.Empty : activationGradients[l].AsSpan(0, batch * layer.Inputs);
            layer.Backward(activations[l], activationGradients[l + 1], inputGradient, batch);
            if (l > 0) ReluBackward(activations[l].AsSpan(0, batch * layer.Inputs), inputGradient);
        }
        return loss;
    }

    /// <summary>The mean loss and the accuracy over the first <paramref name="count"/> examples of <paramref name="data"/> (all by default).</summary>
    public Evaluation Evaluate(Dataset data, int? count = null)
    {
        int total = count ?? data.Count;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, data.Count);
        Span<int> indices = stackalloc int[EvaluationChunk];
        int classes = LayerSizes[^1];
        var scratch = new T[classes];
        double loss = 0;
        int correct = 0;
        for (int start = 0; start < total; start += EvaluationChunk)
        {
            int batch = Math.Min(EvaluationChunk, total - start);
            for (int i = 0; i < batch; i++) indices[i] = start + i;
            Forward(data, indices[..batch]);
            for (int example = 0; example < batch; example++)
            {
                var logits = activations[^1].AsSpan(example * classes, classes);
                int label = data.Label(start + example);
                loss += double.CreateChecked(SoftmaxCrossEntropy.Loss<T>(logits, label, scratch));
                if (TensorPrimitives.IndexOfMax<T>(logits) == label) correct++;
            }
        }
        return new Evaluation(loss / total, (double)correct / total);
    }

    /// <summary>Fills the activations for the examples <paramref name="indices"/>: their features, then each layer's outputs.</summary>
    private void Forward(Dataset data, ReadOnlySpan<int> indices)
    {
        if (data.FeatureCount != LayerSizes[0])
            throw new ArgumentException($"{data.Name} has {data.FeatureCount} features per example; this network takes {LayerSizes[0]}.", nameof(data));
        int batch = indices.Length;
        EnsureCapacity(batch);
        int inputs = LayerSizes[0];
        for (int example = 0; example < batch; example++)
            TensorPrimitives.ConvertChecked<float, T>(data.Features(indices[example]), activations[0].AsSpan(example * inputs, inputs));

        for (int l = 0; l < layers.Length; l++)
        {
            var output = activations[l + 1].AsSpan(0, batch * layers[l].Outputs);
            layers[l].Forward(activations[l], output, batch);
            if (l < layers.Length - 1) TensorPrimitives.Max(output, T.Zero, output); // ReLU
        }
    }

    /// <summary>ReLU's derivative: the gradient passes where the unit was active (its output above zero) and is zero elsewhere.</summary>
    private static void ReluBackward(ReadOnlySpan<T> output, Span<T> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            if (!(output[i] > T.Zero)) gradient[i] = T.Zero;
        }
    }

    private void EnsureCapacity(int batch)
    {
        if (batch <= capacity) return;
        activations = [.. LayerSizes.Select(size => new T[batch * size])];
        activationGradients = [.. LayerSizes.Select(size => new T[batch * size])];
        capacity = batch;
    }

    private void CheckFlatLength(int length)
    {
        if (length != ParameterCount)
            throw new ArgumentException($"{Architecture}: {length} values for {ParameterCount} parameters.");
    }
}
