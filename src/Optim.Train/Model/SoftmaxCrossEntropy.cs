using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace ScratchOptim.Train.Model;

/// <summary>
/// The loss of a classifier, as <c>torch.nn.functional.cross_entropy</c> on logits: −log softmax(z)[label], computed
/// as log Σ exp(z − max z) − (z[label] − max z) so no exponential overflows.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>The loss of one example.</summary>
    /// <param name="logits">The network's outputs for the example.</param>
    /// <param name="label">The true class.</param>
    /// <param name="scratch">As long as <paramref name="logits"/>; overwritten.</param>
    public static T Loss<T>(ReadOnlySpan<T> logits, int label, Span<T> scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return T.Log(TensorPrimitives.Sum(scratch)) - (logits[label] - max);
    }

    /// <summary>
    /// The loss of one example, and <paramref name="scale"/> × its gradient with respect to the logits,
    /// <c>scale · (softmax(z) − onehot(label))</c>, written into <paramref name="gradient"/>.
    /// </summary>
    public static T LossAndGradient<T>(ReadOnlySpan<T> logits, int label, T scale, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, gradient);
        TensorPrimitives.Exp(gradient, gradient);
        T sum = TensorPrimitives.Sum(gradient);
        T loss = T.Log(sum) - (logits[label] - max);

        TensorPrimitives.Divide(gradient, sum, gradient); // the probabilities
        gradient[label] -= T.One;
        TensorPrimitives.Multiply(gradient, scale, gradient);
        return loss;
    }
}
