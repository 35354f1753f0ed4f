using System;
using System.Buffers;

namespace ScratchOptim.TorchSharp;

/// <summary>
/// <see cref="Memory{T}"/> over memory that LibTorch owns: a tensor's values or its gradient. The view can be pointed
/// at new memory (a gradient LibTorch has reallocated) without a new <see cref="Memory{T}"/>: every
/// <see cref="Memory{T}.Span"/> reads the current pointer. The tensor that owns the memory is kept alive by
/// whoever binds it (<see cref="TensorBinding"/>); an unbound view refuses to give a span.
/// </summary>
internal sealed unsafe class NativeView<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly int length;
    private T* pointer;
    private bool bound;

    /// <param name="length">The number of elements the view always has.</param>
    public NativeView(int length) => this.length = length;

    /// <summary>Points the view at <paramref name="elements"/>, which must hold the view's length.</summary>
    public void Bind(Span<byte> elements)
    {
        // The caller checked dtype and element count; this guards the arithmetic that a wrong binding would break.
        if (elements.Length != (long)length * sizeof(T))
            throw new InvalidOperationException($"Internal error: binding {elements.Length} bytes to a view of {length} {typeof(T).Name} values.");
        fixed (byte* first = elements) pointer = (T*)first;
        bound = true;
    }

    /// <summary>Forgets the memory: <see cref="GetSpan"/> throws until the next <see cref="Bind"/>.</summary>
    public void Unbind()
    {
        pointer = null;
        bound = false;
    }

    /// <inheritdoc/>
    public override Span<T> GetSpan() => bound ? new Span<T>(pointer, length) : throw Unbound();

    /// <summary>LibTorch's CPU memory never moves, so pinning is only the pointer.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if (!bound) throw Unbound();
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(pointer + elementIndex);
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
