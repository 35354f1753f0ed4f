using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace ScratchOptim.Threading;

/// <summary>The work of one dispatch: items 0 to n − 1, each run exactly once, on any thread, in any order.</summary>
internal interface IStepWork
{
    /// <summary>Runs item <paramref name="item"/>.</summary>
    void Run(int item);
}

/// <summary>
/// The threads that run a step's chunks beside the thread that called <see cref="Optimizer.Step"/>: started on the
/// first step that needs them and kept for the life of the process, as OpenMP's and the .NET thread pool's are. A
/// dispatch gives each thread (the caller and each worker) a share of consecutive items, claimed one by one through its
/// share's counter (no task, delegate or allocation per step or per item), and waits until every item has run; between
/// dispatches the workers spin for a moment, so that back-to-back phases and steps find them awake, then sleep until
/// the next. One dispatch runs at a time: an optimizer that steps while another one's dispatch runs on another thread
/// runs its items on its own thread, which gives the same bits, since no result depends on which thread runs an item.
/// <para>
/// Consecutive items are consecutive memory (the chunks of a tensor, the tensors of a group), so each thread streams
/// through one range, as OpenMP's static schedule does: for a memory-bound step that is faster than dealing out the
/// items alternately from one counter (SGD and Adam at 10M elements on two threads, 5 to 11% in the measurements of
/// docs/benchmarks.md). A thread that has run its share then claims what is left of the others', so one that started
/// late or was interrupted does not hold up the dispatch.
/// </para>
/// </summary>
internal sealed class StepWorkers
{
    /// <summary>How long an idle worker spins before it sleeps: longer than the gap between the phases of a step.</summary>
    private static readonly TimeSpan DefaultSpin = TimeSpan.FromMicroseconds(100);

    /// <summary>The workers of the process.</summary>
    public static StepWorkers Shared { get; } = new(DefaultSpin);

    private readonly long spinTicks;

    /// <param name="spin">How long an idle worker spins before it sleeps (the tests lengthen it to order what a worker does first).</param>
    internal StepWorkers(TimeSpan spin) => spinTicks = (long)(spin.TotalSeconds * Stopwatch.Frequency);

    private Worker[] workers = [];
    private int busy;

    // The current dispatch: what to run, each thread's share of the items, the workers still running.
    private IStepWork? work;
    private Share[] shares = [];
    private int shareCount;
    private int running;
    private int callerProcessor;
    private ExceptionDispatchInfo? failure;

    /// <summary>
    /// The bytes the workers allocated, summed over their threads and updated at the end of each dispatch (for the
    /// tests that check a step allocates nothing on any thread).
    /// </summary>
    internal long AllocatedBytes
    {
        get
        {
            long total = 0;
            foreach (var worker in Volatile.Read(ref workers)) total += Volatile.Read(ref worker.AllocatedBytes);
            return total;
        }
    }

    /// <summary>
    /// Runs items 0 to <paramref name="items"/> − 1 of <paramref name="work"/> on this thread and up to
    /// <paramref name="threads"/> − 1 workers, and returns when all have run. An exception thrown by an item is rethrown
    /// here, once every item has finished or been abandoned.
    /// </summary>
    public void Run(IStepWork work, int items, int threads)
    {
        int helpers = Math.Min(threads, items) - 1;
        if (helpers <= 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (int item = 0; item < items; item++) work.Run(item);
            return;
        }
        try
        {
            EnsureWorkers(helpers);
            this.work = work;
            shareCount = helpers + 1;
            for (int s = 0; s < shareCount; s++)
            {
                shares[s].Next = (int)((long)items * s / shareCount);
                shares[s].End = (int)((long)items * (s + 1) / shareCount);
            }
            failure = null;
            callerProcessor = ProcessorAffinity.Current();
            Volatile.Write(ref running, helpers);
            for (int w = 0; w < helpers; w++) workers[w].Wake();

            RunItems(0);
            var wait = new SpinWait();
            while (Volatile.Read(ref running) != 0) wait.SpinOnce(sleep1Threshold: -1);

            this.work = null;
            failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>
    /// Claims and runs the items of share <paramref name="own"/>, then what is left of the others', until none is left;
    /// after a failure, claims the rest without running them.
    /// </summary>
    private void RunItems(int own)
    {
        var current = work!;
        for (int k = 0; k < shareCount; k++)
        {
            ref var share = ref shares[(own + k) % shareCount];
            for (int item = Interlocked.Increment(ref share.Next) - 1; item < share.End; item = Interlocked.Increment(ref share.Next) - 1)
            {
                if (Volatile.Read(ref failure) is not null) continue;
                try
                {
                    current.Run(item);
                }
                catch (Exception exception)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(exception), null);
                }
            }
        }
    }

    private void EnsureWorkers(int count)
    {
        if (workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int w = workers.Length; w < count; w++) grown[w] = new Worker(this, w + 1);
        shares = new Share[count + 1];
        Volatile.Write(ref workers, grown);
    }

    /// <summary>
    /// One thread's share of a dispatch: items [<see cref="Next"/>, <see cref="End"/>) are unclaimed. A cache line of
    /// its own, so that claiming from one share does not slow the threads claiming from the others.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    private struct Share
    {
        public int Next;
        public int End;
    }

    /// <summary>One persistent thread: waits for a dispatch, claims items, reports that it is done, waits again.</summary>
    private sealed class Worker
    {
        private readonly StepWorkers pool;
        private readonly int share;
        private readonly ulong[]? allowed = ProcessorAffinity.Allowed();
        private readonly SemaphoreSlim wakeUp = new(0);
        private int ticket;
        private int sleeping;

        /// <summary>This thread's allocated bytes at the end of its last dispatch.</summary>
        public long AllocatedBytes;

        public Worker(StepWorkers pool, int number)
        {
            this.pool = pool;
            share = number;
            var thread = new Thread(Loop) { IsBackground = true, Name = "ScratchOptim step worker " + number };
            thread.Start();
        }

        /// <summary>Gives the worker the current dispatch; wakes it if it sleeps.</summary>
        public void Wake()
        {
            Interlocked.Increment(ref ticket);
            if (Interlocked.Exchange(ref sleeping, 0) == 1) wakeUp.Release();
        }

        private void Loop()
        {
            // A thread's first blocking wait allocates, once (64 bytes, the runtime's wait bookkeeping): a short timed
            // wait makes it now, in the dispatch that started this worker (Wake releases only a sleeping worker, so
            // nothing is missed), rather than in the worker's first sleep after it, inside whatever is measured next.
            wakeUp.Wait(1);
            int seen = 0;
            while (true)
            {
                long spinUntil = Stopwatch.GetTimestamp() + pool.spinTicks;
                while (Volatile.Read(ref ticket) == seen)
                {
                    if (Stopwatch.GetTimestamp() < spinUntil)
                    {
                        Thread.SpinWait(16);
                        continue;
                    }
                    // Announce the sleep, then look once more: a Wake between the two sees the flag and releases.
                    Interlocked.Exchange(ref sleeping, 1);
                    if (Volatile.Read(ref ticket) == seen) wakeUp.Wait();
                    Interlocked.Exchange(ref sleeping, 0);
                }
                seen++;
                ProcessorAffinity.KeepOff(pool.callerProcessor, allowed);
                pool.RunItems(share);
                Volatile.Write(ref AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                Interlocked.Decrement(ref pool.running);
            }
        }
    }
}
