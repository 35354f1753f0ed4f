using System;
using System.Runtime.CompilerServices;

namespace ScratchOptim;

/// <summary>
/// What an optimizer keeps for one parameter: its step count, its state (in 64-byte-aligned native memory, freed when
/// the optimizer is disposed) and the scratch memory its kernel uses. The generated kernels call these members; their
/// state buffers are allocated by the step's host code, on the thread that called <see cref="Optimizer.Step"/>,
/// before any element phase reads them on another.
/// </summary>
public sealed class ParameterState
{
    private readonly NativeBuffer?[] buffers;
    private Array? workspace;
    private double[] partials = [];
    private object[] kernels = [];

    internal ParameterState(int bufferCount) => buffers = new NativeBuffer?[bufferCount];

    /// <summary>How many steps this parameter has taken (PyTorch's <c>state["step"]</c>); 0 before the first.</summary>
    public int Step { get; internal set; }

    /// <summary>
    /// The state buffer at <paramref name="index"/>, allocated with <paramref name="length"/> values of
    /// <typeparamref name="TValue"/>, each <paramref name="initialValue"/>, the first time it is asked for; then reused.
    /// Its first value is on a 64-byte boundary.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer holds values of another type (a state file of another element type was loaded).</exception>
    public Span<TValue> Buffer<TValue>(int index, int length, TValue initialValue = default)
        where TValue : unmanaged
    {
        var buffer = buffers[index] ??= NativeBuffer.Allocate(length, initialValue);
        return buffer.As<TValue>();
    }

    /// <summary>
    /// The first value of the buffer at <paramref name="index"/> (a per-tensor state), or <paramref name="initialValue"/>
    /// when it has not been allocated: a read that allocates nothing, for checks made before a step.
    /// </summary>
    public TValue ValueOrInitial<TValue>(int index, TValue initialValue)
        where TValue : unmanaged =>
        buffers[index] is { Length: > 0 } buffer && buffer.ValueType == typeof(TValue) ? buffer.As<TValue>()[0] : initialValue;

    /// <summary>
    /// Scratch memory of at least <paramref name="length"/> elements for the kernel's per-row and per-column values;
    /// allocated once, then reused (its contents do not survive a step).
    /// </summary>
    public Span<T> Workspace<T>(int length)
        where T : unmanaged
    {
        if (workspace is not T[] buffer || buffer.Length < length) workspace = buffer = new T[length];
        return buffer;
    }

    /// <summary>
    /// The values this parameter's step carries from its host code to its element phases (a generated
    /// <typeparamref name="TKernel"/>, one per pass of a group-wide step): created on first use, then reused and
    /// overwritten by every step.
    /// </summary>
    public ref TKernel Kernel<TKernel>()
        where TKernel : struct
    {
        foreach (var kernel in kernels)
            if (kernel is StrongBox<TKernel> found) return ref found.Value;
        var box = new StrongBox<TKernel>();
        kernels = [.. kernels, box];
        return ref box.Value;
    }

    /// <summary>
    /// What a kernel keeps for this parameter besides its state, e.g. the linear-algebra solvers and work matrices of a
    /// matrix update: created by the kernel's host code on the parameter's first step and reused after. It holds no state
    /// (nothing in it is saved or loaded, and every step overwrites what it uses).
    /// </summary>
    public object? Scratch { get; set; }

    /// <summary>The partial sums of the element phases' reductions, <paramref name="count"/> of them; allocated once, then reused.</summary>
    internal Span<double> Partials(int count)
    {
        if (partials.Length < count) partials = new double[count];
        return partials.AsSpan(0, count);
    }

    /// <summary>The buffer at <paramref name="index"/>, or null when it has not been allocated.</summary>
    internal NativeBuffer? Peek(int index) => buffers[index];

    /// <summary>Replaces the buffer at <paramref name="index"/> with a copy of <paramref name="values"/>.</summary>
    internal void Replace<TValue>(int index, ReadOnlySpan<TValue> values)
        where TValue : unmanaged
    {
        var copy = NativeBuffer.Allocate<TValue>(values.Length, default);
        values.CopyTo(copy.As<TValue>());
        buffers[index]?.Dispose();
        buffers[index] = copy;
    }

    /// <summary>Replaces the buffer at <paramref name="index"/> with a copy of <paramref name="values"/> (a float[] or double[]), or frees it for null.</summary>
    internal void Replace(int index, Array? values)
    {
        switch (values)
        {
            case float[] floats:
                Replace<float>(index, floats);
                break;
            case double[] doubles:
                Replace<double>(index, doubles);
                break;
            case null:
                Remove(index);
                break;
            default:
                throw new ArgumentException($"State {index}: values of type {values.GetType().Name}; a state holds float or double values.", nameof(values));
        }
    }

    /// <summary>Frees the buffer at <paramref name="index"/>: it is allocated anew, with its initial values, by the next step that uses it.</summary>
    internal void Remove(int index)
    {
        buffers[index]?.Dispose();
        buffers[index] = null;
    }

    /// <summary>Frees every state buffer, and lets go of the kernel's scratch.</summary>
    internal void Free()
    {
        for (int i = 0; i < buffers.Length; i++) Remove(i);
        Scratch = null;
    }
}
