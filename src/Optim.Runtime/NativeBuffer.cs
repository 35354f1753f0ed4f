using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace ScratchOptim;

/// <summary>
/// One state buffer in native memory, its first element on a 64-byte boundary (a cache line, and one 512-bit vector),
/// so that the step loops' vector loads and stores never straddle two lines. Freed by <see cref="Dispose"/> (the
/// optimizer's <see cref="Optimizer.Dispose"/>), or by the finalizer when the optimizer is dropped undisposed. Its
/// memory never leaves the runtime and the generated kernels: what users read is a copy.
/// </summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    /// <summary>The alignment of every state buffer, in bytes.</summary>
    public const int Alignment = 64;

    // The memory's address, 0 once freed (exchanged atomically: Dispose and the finalizer may race).
    private nint address;
    private readonly long bytes;

    private NativeBuffer(void* pointer, int length, Type valueType, long bytes)
    {
        address = (nint)pointer;
        Length = length;
        ValueType = valueType;
        this.bytes = bytes;
    }

    ~NativeBuffer() => Free();

    /// <summary>The address of the first value (0 for an empty or freed buffer).</summary>
    public nint Address => Volatile.Read(ref address);

    /// <summary>The number of values.</summary>
    public int Length { get; }

    /// <summary>The type of the values: float or double for element state, or a per-tensor state's declared type.</summary>
    public Type ValueType { get; }

    /// <summary>A buffer of <paramref name="length"/> values, each <paramref name="initialValue"/>.</summary>
    public static NativeBuffer Allocate<TValue>(int length, TValue initialValue)
        where TValue : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        long bytes = (long)length * sizeof(TValue);
        // An empty buffer owns no memory; its span is empty.
        void* pointer = bytes == 0 ? null : NativeMemory.AlignedAlloc((nuint)bytes, Alignment);
        if (bytes > 0) GC.AddMemoryPressure(bytes);
        var buffer = new NativeBuffer(pointer, length, typeof(TValue), bytes);
        buffer.As<TValue>().Fill(initialValue);
        return buffer;
    }

    /// <summary>The values, as <typeparamref name="TValue"/>.</summary>
    /// <exception cref="InvalidOperationException">The buffer holds values of another type (a state file of another element type was loaded).</exception>
    public Span<TValue> As<TValue>()
        where TValue : unmanaged
    {
        if (ValueType != typeof(TValue))
            throw new InvalidOperationException($"The state buffer holds {ValueType.Name} values, not {typeof(TValue).Name}.");
        ObjectDisposedException.ThrowIf(address == 0 && bytes > 0, this);
        return new Span<TValue>((void*)address, Length);
    }

    /// <summary>A copy of the values, in a new array.</summary>
    public TValue[] ToArray<TValue>()
        where TValue : unmanaged => As<TValue>().ToArray();

    /// <summary>Frees the memory; the buffer can no longer be read.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        nint owned = Interlocked.Exchange(ref address, 0);
        if (owned == 0) return;
        NativeMemory.AlignedFree((void*)owned);
        GC.RemoveMemoryPressure(bytes);
    }
}
