using System;
using System.Collections.Generic;

namespace ScratchOptim;

/// <summary>
/// A trainable tensor: its values and, when the backward pass produced one, its gradient, both as float32 memory
/// in row-major order.
/// </summary>
public sealed class Parameter
{
    private readonly int[] shape;

    /// <summary>Creates a one-dimensional parameter over <paramref name="data"/>.</summary>
    public Parameter(float[] data, string? name = null)
        : this(data, [data.Length], name)
    {
    }

    /// <summary>Creates a parameter of the given shape over <paramref name="data"/> (row-major).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not match the data's length.</exception>
    public Parameter(Memory<float> data, IReadOnlyList<int> shape, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
                throw new ArgumentException($"Parameter '{name ?? "(unnamed)"}': shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
            count *= dimension;
        }
        if (count != data.Length)
            throw new ArgumentException($"Parameter '{name ?? "(unnamed)"}': shape [{string.Join(", ", shape)}] holds {count} elements but the data has {data.Length}.", nameof(shape));
        this.shape = [.. shape];
        Data = data;
        Name = name;
    }

    /// <summary>The values, updated in place by <see cref="Optimizer.Step"/>.</summary>
    public Memory<float> Data { get; }

    /// <summary>
    /// The gradient, or null when there is none; a parameter without a gradient is skipped by
    /// <see cref="Optimizer.Step"/>, as PyTorch skips a parameter whose <c>grad</c> is <c>None</c>.
    /// Its length is checked against <see cref="Length"/> when the optimizer steps.
    /// </summary>
    public Memory<float>? Grad { get; set; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => shape;

    /// <summary>An optional name, used in messages.</summary>
    public string? Name { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Data.Length;

    /// <inheritdoc/>
    public override string ToString() => $"{Name ?? "parameter"}[{string.Join("x", shape)}]";
}
