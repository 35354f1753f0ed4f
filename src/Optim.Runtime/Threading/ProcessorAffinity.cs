using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace ScratchOptim.Threading;

/// <summary>
/// Keeps a step worker off the processor of the thread that dispatched to it. Linux wakes a sleeping thread on the
/// processor of the thread that woke it when it can, and leaves the two there while an idle processor waits beside
/// them: measured on this project's two-core machine, a worker woken onto the caller's processor stayed there for
/// whole rounds of steps, each three times as slow as with the two apart (Adam at 1M elements: 300 to 450 µs
/// instead of 100), since each thread spins while the other works. A worker that finds itself on the caller's
/// processor moves off it, to any other that it was allowed at its start: a system call, only then. Both processors
/// are read with sched_getcpu, at the moment: with the runtime's cached <see cref="Thread.GetCurrentProcessorId"/>,
/// steps alternating between one and two threads at 10M elements still ran two threads side by side on one processor,
/// two threads 1.2× as fast as one instead of 2×.
/// </summary>
internal static unsafe class ProcessorAffinity
{
    /// <summary>The processors a mask covers: glibc's CPU_SETSIZE.</summary>
    private const int MaskWords = 1024 / 64;

    /// <summary>Whether threads' processors can be read and set here (Linux with glibc's scheduler calls).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>The processors the calling thread may run on, or null where that cannot be read.</summary>
    public static ulong[]? Allowed()
    {
        if (!Supported) return null;
        var mask = new ulong[MaskWords];
        fixed (ulong* words = mask)
            return sched_getaffinity(0, MaskWords * sizeof(ulong), words) == 0 ? mask : null;
    }

    /// <summary>
    /// <paramref name="allowed"/> without processor <paramref name="processor"/>, written into
    /// <paramref name="apart"/>; false when that leaves no processor (or <paramref name="processor"/> is not one of them).
    /// </summary>
    public static bool Without(ReadOnlySpan<ulong> allowed, int processor, Span<ulong> apart)
    {
        if (processor < 0 || processor >= allowed.Length * 64 || (allowed[processor / 64] & (1UL << (processor % 64))) == 0) return false;
        allowed.CopyTo(apart);
        apart[processor / 64] &= ~(1UL << (processor % 64));
        foreach (ulong word in apart)
            if (word != 0) return true;
        return false;
    }

    /// <summary>
    /// Moves the calling thread off <paramref name="processor"/> when it runs there, to the other processors of
    /// <paramref name="allowed"/> (what it was allowed at its start). Allocates nothing.
    /// </summary>
    public static void KeepOff(int processor, ulong[]? allowed)
    {
        if (allowed is null || Current() != processor) return;
        Span<ulong> apart = stackalloc ulong[MaskWords];
        if (!Without(allowed, processor, apart)) return;
        fixed (ulong* words = apart)
            sched_setaffinity(0, MaskWords * sizeof(ulong), words);
    }

    /// <summary>
    /// The processor the calling thread runs on now, or −1 where that cannot be read. Not
    /// <see cref="Thread.GetCurrentProcessorId"/>, which may give a value the runtime cached before the thread moved.
    /// </summary>
    public static int Current() => Supported ? sched_getcpu() : -1;

    private static bool Probe()
    {
        try
        {
            // Each call once, so that a C library without one of them turns this off here rather than fail in a worker,
            // and so that each call's first binding, which allocates (32 bytes for sched_setaffinity), happens here and
            // not inside a step. Setting the mask the thread already has changes nothing.
            ulong* words = stackalloc ulong[MaskWords];
            return sched_getaffinity(0, MaskWords * sizeof(ulong), words) == 0
                && sched_setaffinity(0, MaskWords * sizeof(ulong), words) == 0
                && sched_getcpu() >= 0;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "sched_getcpu")]
    private static extern int sched_getcpu();

    [DllImport("libc", EntryPoint = "sched_getaffinity")]
    private static extern int sched_getaffinity(int pid, nint size, ulong* mask);

    [DllImport("libc", EntryPoint = "sched_setaffinity")]
    private static extern int sched_setaffinity(int pid, nint size, ulong* mask);
}
