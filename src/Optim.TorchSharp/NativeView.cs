using System;
using System.Buffers;

namespace ScratchOptim.TorchSharp;

/// <summary>
/// <see cref="Memory{T}"/> over memory that LibTorch owns: a tensor's values or its gradient, without a new
/// <see cref="Memory{T}"/> when that memory changes. A view of a tensor's values follows the tensor: every
/// <see cref="Memory{T}.Span"/> asks for its memory now, checked, so a view never outlives what it shows. A view of a
/// gradient is pointed at it by <see cref="Bind"/> (a gradient LibTorch has reallocated), for a step, by whoever holds
/// the gradient tensor meanwhile (<see cref="TensorBinding"/>); unbound, it refuses to give a span.
/// </summary>
internal sealed unsafe class NativeView<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly int length;
    private readonly Func<Span<byte>>? current;
    private T* pointer;
    private bool bound;

    /// <param name="length">The number of elements the view always has.</param>
    /// <param name="current">
    /// For a view that follows a tensor: its memory now, after the checks that it is still there and still holds
    /// <paramref name="length"/> elements (the view then takes no <see cref="Bind"/>).
    /// </param>
    public NativeView(int length, Func<Span<byte>>? current = null)
    {
        this.length = length;
        this.current = current;
    }

    /// <summary>Points the view at <paramref name="elements"/>, which must hold the view's length.</summary>
    public void Bind(Span<byte> elements)
    {
        pointer = First(elements);
        bound = true;
    }

    /// <summary>Forgets the memory: <see cref="GetSpan"/> throws until the next <see cref="Bind"/>.</summary>
    public void Unbind()
    {
        pointer = null;
        bound = false;
    }

    /// <inheritdoc/>
    public override Span<T> GetSpan() => new(Pointer(), length);

    /// <summary>LibTorch's CPU memory never moves, so pinning is only the pointer.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        T* first = Pointer();
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(first + elementIndex);
    }

    private T* Pointer() => current is not null ? First(current()) : bound ? pointer : throw Unbound();

    private T* First(Span<byte> elements)
    {
        // The callers checked dtype and element count; this guards the arithmetic that a wrong memory would break.
        if (elements.Length != (long)length * sizeof(T))
            throw new InvalidOperationException($"Internal error: viewing {elements.Length} bytes as {length} {typeof(T).Name} values.");
        fixed (byte* first = elements) return (T*)first;
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    private static InvalidOperationException Unbound() => new("This view is not bound to a tensor's memory.");

    /// <summary>The memory belongs to LibTorch: there is nothing to free.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
