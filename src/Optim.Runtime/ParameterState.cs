using System;

namespace ScratchOptim;

/// <summary>What an optimizer keeps for one parameter: its step count and its state buffers.</summary>
public sealed class ParameterState
{
    private readonly float[]?[] buffers;

    internal ParameterState(int bufferCount) => buffers = new float[]?[bufferCount];

    /// <summary>How many steps this parameter has taken (PyTorch's <c>state["step"]</c>); 0 before the first.</summary>
    public int Step { get; internal set; }

    /// <summary>
    /// The buffer at <paramref name="index"/>, allocated and filled with <paramref name="initialValue"/> the first
    /// time it is asked for, then reused.
    /// </summary>
    public Span<float> Buffer(int index, int length, float initialValue = 0f)
    {
        float[]? buffer = buffers[index];
        if (buffer is null)
        {
            buffer = new float[length];
            if (initialValue != 0f || float.IsNegative(initialValue))
                Array.Fill(buffer, initialValue);
            buffers[index] = buffer;
        }
        return buffer;
    }

    /// <summary>The buffer at <paramref name="index"/>, or null when it has not been allocated.</summary>
    public float[]? Peek(int index) => buffers[index];

    internal void Replace(int index, float[]? values) => buffers[index] = values;
}
