using System;

namespace ScratchOptim;

/// <summary>
/// What an optimizer keeps for one parameter group as a whole: its group state (Prodigy's step-size estimate, ...), one
/// value per state, allocated on the group's first step and then reused.
/// </summary>
public sealed class GroupState
{
    private readonly Array?[] buffers;

    internal GroupState(int bufferCount) => buffers = new Array?[bufferCount];

    /// <summary>
    /// The state at <paramref name="index"/>, allocated with <paramref name="length"/> values of
    /// <typeparamref name="TValue"/>, each <paramref name="initialValue"/>, the first time it is asked for; then reused.
    /// </summary>
    /// <exception cref="InvalidOperationException">The state holds values of another type.</exception>
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
                throw new InvalidOperationException($"Group state {index} holds {other.GetType().GetElementType()!.Name} values, not {typeof(TValue).Name}.");
        }
    }

    /// <summary>The state at <paramref name="index"/> (a float[] or double[] of one value), or null when it has not been allocated.</summary>
    internal Array? Peek(int index) => buffers[index];

    internal void Replace(int index, Array? values) => buffers[index] = values;

    /// <summary>Makes every state a copy of <paramref name="source"/>'s, reusing this group's arrays where they fit.</summary>
    internal void CopyFrom(GroupState source)
    {
        for (int i = 0; i < buffers.Length; i++)
        {
            var from = source.buffers[i];
            var to = buffers[i];
            if (from is null) buffers[i] = null;
            else if (to is not null && to.GetType() == from.GetType() && to.Length == from.Length) Array.Copy(from, to, from.Length);
            else buffers[i] = (Array)from.Clone();
        }
    }
}
