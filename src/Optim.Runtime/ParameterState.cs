using System;

namespace ScratchOptim;

/// <summary>What an optimizer keeps for one parameter: its step count, its state and the workspace its kernel uses.</summary>
public sealed class ParameterState
{
    private readonly Array?[] buffers;
    private Array? workspace;

    internal ParameterState(int bufferCount) => buffers = new Array?[bufferCount];

    /// <summary>How many steps this parameter has taken (PyTorch's <c>state["step"]</c>); 0 before the first.</summary>
    public int Step { get; internal set; }

    /// <summary>
    /// The state buffer at <paramref name="index"/>, allocated with <paramref name="length"/> values of
    /// <typeparamref name="TValue"/>, each <paramref name="initialValue"/>, the first time it is asked for; then reused.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer holds values of another type (a state file of another element type was loaded).</exception>
    public Span<TValue> Buffer<TValue>(int index, int length, TValue initialValue = default)
        where TValue : unmanaged
    {
        switch (buffers[index])
        {
            case TValue[] buffer:
                return buffer;
            case null:
                var created = new TValue[length];
                Array.Fill(created, initialValue);
                buffers[index] = created;
                return created;
            case var other:
                throw new InvalidOperationException($"State {index} holds {other.GetType().GetElementType()!.Name} values, not {typeof(TValue).Name}.");
        }
    }

    /// <summary>
    /// The first value of the buffer at <paramref name="index"/> (a per-tensor state), or <paramref name="initialValue"/>
    /// when it has not been allocated: a read that allocates nothing, for checks made before a step.
    /// </summary>
    public TValue ValueOrInitial<TValue>(int index, TValue initialValue)
        where TValue : unmanaged =>
        buffers[index] is TValue[] { Length: > 0 } buffer ? buffer[0] : initialValue;

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
    /// What a kernel keeps for this parameter besides its state, e.g. the linear-algebra solvers and work matrices of a
    /// matrix update: created by the kernel on the parameter's first step and reused after. It holds no state (nothing
    /// in it is saved or loaded, and every step overwrites what it uses).
    /// </summary>
    public object? Scratch { get; set; }

    /// <summary>The buffer at <paramref name="index"/> (a float[] or double[]), or null when it has not been allocated.</summary>
    internal Array? Peek(int index) => buffers[index];

    internal void Replace(int index, Array? values) => buffers[index] = values;
}
