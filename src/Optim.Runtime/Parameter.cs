using System;
using System.Collections.Generic;
using System.Numerics;

namespace ScratchOptim;

/// <summary>The number format of a parameter's elements, and of the state an optimizer keeps per element.</summary>
public enum ElementType
{
    /// <summary>IEEE 754 single precision (<see cref="float"/>).</summary>
    Float32,

    /// <summary>IEEE 754 double precision (<see cref="double"/>).</summary>
    Float64,
}

/// <summary>
/// A trainable tensor: its values and, when the backward pass produced one, its gradient, in row-major order. Create
/// one as a <see cref="Parameter{T}"/> of <see cref="float"/> or <see cref="double"/>; optimizers take any mix.
/// </summary>
public abstract class Parameter
{
    private readonly int[] shape;

    private protected Parameter(int length, IReadOnlyList<int> shape, string? name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
                throw new ArgumentException($"Parameter '{name ?? "(unnamed)"}': shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
            // Checked as it grows: a product that passed int.MaxValue would otherwise wrap around to a plausible length.
            count *= dimension;
            if (count > int.MaxValue)
                throw new ArgumentException($"Parameter '{name ?? "(unnamed)"}': shape [{string.Join(", ", shape)}] holds more than {int.MaxValue} elements.", nameof(shape));
        }
        if (count != length)
            throw new ArgumentException($"Parameter '{name ?? "(unnamed)"}': shape [{string.Join(", ", shape)}] holds {count} elements but the data has {length}.", nameof(shape));
        this.shape = [.. shape];
        Length = length;
        Name = name;
    }

    /// <summary>The number format of the values and the gradient.</summary>
    public abstract ElementType ElementType { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => shape;

    /// <summary>The dimensions, for the generated kernels.</summary>
    internal ReadOnlySpan<int> ShapeSpan => shape;

    /// <summary>An optional name, used in messages and checkpoints.</summary>
    public string? Name { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>Whether the parameter has a gradient; one without is skipped by <see cref="Optimizer.Step"/>.</summary>
    public abstract bool HasGrad { get; }

    /// <summary>Clears the gradient: removes it, or fills it with zeros in place.</summary>
    internal abstract void ClearGrad(bool setToNone);

    /// <summary>Whether this parameter's values share memory with <paramref name="other"/>'s.</summary>
    internal abstract bool Overlaps(Parameter other);

    /// <inheritdoc/>
    public override string ToString() => $"{Name ?? "parameter"}[{string.Join("x", shape)}]";
}

/// <summary>A trainable tensor of <typeparamref name="T"/> (<see cref="float"/> or <see cref="double"/>).</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Parameter<T> : Parameter
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private Memory<T>? grad;

    /// <summary>Creates a one-dimensional parameter over <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public Parameter(T[] data, string? name = null)
        : this(data ?? throw new ArgumentNullException(nameof(data)), [data.Length], name)
    {
    }

    /// <summary>Creates a parameter of the given shape over <paramref name="data"/> (row-major).</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension, too many elements, or does not match the data's length.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public Parameter(Memory<T> data, IReadOnlyList<int> shape, string? name = null)
        : base(data.Length, shape, name)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Parameter '{name ?? "(unnamed)"}': elements of type {typeof(T).Name} are not supported; use float or double.");
        Data = data;
    }

    /// <inheritdoc/>
    public override ElementType ElementType => typeof(T) == typeof(float) ? ElementType.Float32 : ElementType.Float64;

    /// <summary>The values, updated in place by <see cref="Optimizer.Step"/>.</summary>
    public Memory<T> Data { get; }

    /// <summary>
    /// The gradient, or null when there is none; a parameter without a gradient is skipped by
    /// <see cref="Optimizer.Step"/>, as PyTorch skips a parameter whose <c>grad</c> is <c>None</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The gradient's length differs from the parameter's.</exception>
    public Memory<T>? Grad
    {
        get => grad;
        set
        {
            if (value is { } memory && memory.Length != Length)
                throw new ArgumentException($"The gradient of parameter '{this}' has {memory.Length} elements; the parameter has {Length}.", nameof(value));
            grad = value;
        }
    }

    /// <inheritdoc/>
    public override bool HasGrad => grad.HasValue;

    internal override void ClearGrad(bool setToNone)
    {
        if (setToNone) grad = null;
        else grad?.Span.Clear();
    }

    internal override bool Overlaps(Parameter other) => other is Parameter<T> same && Data.Span.Overlaps(same.Data.Span);
}
