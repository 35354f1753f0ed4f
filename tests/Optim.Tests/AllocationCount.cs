using System;
using System.Runtime;
using ScratchOptim.Threading;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Tests that count allocated bytes run alone: the step workers are shared by the process, and a garbage collection
/// that another test's allocations start would distort the count (see <see cref="AllocationCount"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class MeasuredAloneCollection
{
    public const string Name = "Measured alone";
}

/// <summary>The bytes an action allocates on this thread and on the step workers.</summary>
internal static class AllocationCount
{
    /// <summary>
    /// Runs <paramref name="action"/> with the garbage collector held off and returns what it allocated. A collection
    /// during the count would retire this thread's allocation buffer, whose unused rest the count then includes; if
    /// one happens anyway, the count is taken again.
    /// </summary>
    public static long Of(Action action)
    {
        for (int attempt = 0; ; attempt++)
        {
            Assert.True(GC.TryStartNoGCRegion(16 << 20), "could not hold off the garbage collector");
            long before = Now();
            action();
            long allocated = Now() - before;
            bool held = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            if (held) GC.EndNoGCRegion();
            if (held || attempt == 2) return allocated;
        }
    }

    /// <summary>This thread's and the workers' allocated bytes (the workers read first: the first read creates them).</summary>
    private static long Now()
    {
        long workers = StepWorkers.Shared.AllocatedBytes;
        return workers + GC.GetAllocatedBytesForCurrentThread();
    }
}
