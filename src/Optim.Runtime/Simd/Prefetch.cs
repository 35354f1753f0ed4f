using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ScratchOptim.Simd;

/// <summary>
/// Whether a generated element loop asks for its data before it loads it: part of the schedule, like the vector width,
/// and chosen by the runtime for each step (<see cref="PrefetchAhead.Pays"/>). It never changes a result.
/// </summary>
public interface IPrefetch
{
    /// <summary>Called once per vector for each buffer the loop reads, with the index of the vector it is about to load.</summary>
    static abstract void Ahead<T>(ref T start, nuint index)
        where T : unmanaged;
}

/// <summary>The loop only loads: its data is in cache, where an early request would only take issue slots from the loads.</summary>
public readonly struct NoPrefetch : IPrefetch
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead<T>(ref T start, nuint index)
        where T : unmanaged
    {
    }
}

/// <summary>
/// The loop's data streams from memory: each vector asks for the line <see cref="Distance"/> bytes ahead in every buffer
/// it reads, so that more lines are on their way than the hardware prefetchers keep in flight for one core (measured:
/// docs/benchmarks.md). A no-op without x86 prefetch instructions.
/// </summary>
public readonly unsafe struct PrefetchAhead : IPrefetch
{
    /// <summary>How far ahead of the load the request goes, in bytes.</summary>
    public const int Distance = 2048;

    /// <summary>
    /// The bytes of parameter values (all the tensors one dispatch updates) from which the loops prefetch: below it the
    /// state can stay in cache from one step to the next, where prefetching loses on two threads
    /// (<c>PrefetchCutOverBenchmarks</c>, docs/benchmarks.md).
    /// </summary>
    public const long CutOver = 8L * 1024 * 1024;

    /// <summary>Whether a step over <paramref name="elements"/> parameter values of type <typeparamref name="T"/> streams them from memory.</summary>
    public static bool Pays<T>(long elements)
        where T : unmanaged => elements * sizeof(T) >= CutOver;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead<T>(ref T start, nuint index)
        where T : unmanaged
    {
        // A hint, never a fault: the address may lie past the buffer's end, or be stale if the GC moved an unpinned
        // array since; either way the request is only wasted. The byref itself stays inside the buffer.
        if (Sse.IsSupported) Sse.Prefetch0((byte*)Unsafe.AsPointer(ref Unsafe.Add(ref start, index)) + Distance);
    }
}
