using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using ScratchOptim.Optimizers;
using ScratchOptim.Simd;
using ScratchOptim.Threading;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One Adam step over N floats on 1 and 2 threads against what bounds it: the in-place axpy <c>y += a·x</c> (the
/// baseline: reads two streams and writes one back in place, as the step's p, m and v are) and the STREAM triad
/// <c>a = b + s·c</c>, both with 512-bit vectors on the same workers; a hand-written fused 512-bit Adam loop on the same
/// workers, bit-identical to the generated one; and PyTorch 2.x with glibc malloc as it comes (no tuning), for
/// comparison with the tuned rows of <see cref="OptimizerStepBenchmarks"/>. The axpy and the hand-written loop also run
/// with the generated loops' prefetching (<see cref="PrefetchAhead"/>), which <c>Step()</c> uses at 10M: without it,
/// one core does not reach the bandwidth it can, and the axpy would be no ceiling for the step.
/// <see cref="AdamBytesAlone"/> moves exactly the step's bytes and does none of its arithmetic: what the arithmetic costs.
/// <see cref="AdamReadsAlone"/> only loads what the step loads: no step can be faster.
/// </summary>
[MemoryDiagnoser]
public class AdamCeilingBenchmarks
{
    // A fixed step count for the hand-written loop: the bias corrections are far from 0 and 1, as in real training.
    private const int T = 10;

    private Optimizer adam = null!;
    private Memory<float> p, g, m, v, a, b, c;
    private float[] readSums = [];
    private ChunkedLoop loop = null!;
    private TorchServer? torch;

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(ScratchOptimStep))]
    public void SetupScratchOptim()
    {
        adam = Workload.Create("Adam", Workload.Parameters([N]));
        adam.MaxThreads = Threads;
        adam.Step();
    }

    [GlobalSetup(Targets = [nameof(HandWrittenFused), nameof(HandWrittenFusedPrefetched), nameof(AdamBytesAlone), nameof(AdamReadsAlone), nameof(InPlaceAxpy), nameof(InPlaceAxpyPrefetched), nameof(Triad)])]
    public void SetupLoops()
    {
        var parameter = Workload.Parameters([N])[0];
        (p, g) = (parameter.Data, parameter.Grad!.Value);
        (m, v) = (Workload.AlignedMemory(N), Workload.AlignedMemory(N));
        var random = new Random(7);
        for (int i = 0; i < N; i++)
        {
            m.Span[i] = (random.NextSingle() * 2 - 1) * 0.1f;
            v.Span[i] = random.NextSingle() * 0.01f + 1e-4f;
        }
        (a, b, c) = (Workload.AlignedMemory(N), p, g);
        loop = new ChunkedLoop(this);
        readSums = new float[ChunkedLoop.ChunksOf(N)];
        CheckHandWrittenAgainstStep();
    }

    [GlobalSetup(Target = nameof(TorchFusedUntunedMalloc))]
    public void SetupFused() => torch = TorchServer.Start("adam", "fused", [N], Threads, tunedMalloc: false);

    [GlobalSetup(Target = nameof(TorchForeachUntunedMalloc))]
    public void SetupForeach() => torch = TorchServer.Start("adam", "foreach", [N], Threads, tunedMalloc: false);

    [GlobalSetup(Target = nameof(TorchForLoopUntunedMalloc))]
    public void SetupForLoop() => torch = TorchServer.Start("adam", "forloop", [N], Threads, tunedMalloc: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        torch?.Dispose();
        adam?.Dispose();
    }

    /// <summary>ScratchOptim: <c>adam.Step()</c>.</summary>
    [Benchmark]
    public void ScratchOptimStep() => adam.Step();

    /// <summary>A fused Adam loop written by hand with Vector512, split into the same chunks on the same workers.</summary>
    [Benchmark]
    public void HandWrittenFused() => loop.Run(Kernel.Adam, prefetch: false, Threads);

    /// <summary>The hand-written loop asking for each buffer's data 2 KiB ahead, as the generated loops do at 10M.</summary>
    [Benchmark]
    public void HandWrittenFusedPrefetched() => loop.Run(Kernel.Adam, prefetch: true, Threads);

    /// <summary>
    /// Adam's memory traffic without its arithmetic: reads p, g, m and v and writes p, m and v back unchanged, 28 bytes
    /// per element as the step, prefetching when <c>Step()</c> does (from <see cref="PrefetchAhead.CutOver"/>). Where the
    /// step is as fast, its arithmetic hides behind the loads. It is no ceiling: on this machine's cores a loop of loads
    /// and stores alone has been slower at 10M than the step, whose arithmetic spaces out its requests.
    /// </summary>
    [Benchmark]
    public void AdamBytesAlone() => loop.Run(Kernel.AdamBytes, prefetch: PrefetchAhead.Pays<float>(N), Threads);

    /// <summary>
    /// Adam's loads alone: p, g, m and v read (16 of the step's 28 bytes per element) and summed, so that the loads stay,
    /// with nothing stored; prefetching as <see cref="AdamBytesAlone"/>. The step reads all of this, so it cannot be
    /// faster: where one core's reading is what bounds it, neither can PyTorch's.
    /// </summary>
    [Benchmark]
    public void AdamReadsAlone() => loop.Run(Kernel.AdamReads, prefetch: PrefetchAhead.Pays<float>(N), Threads);

    /// <summary>y += a·x in place over N floats: 8 bytes read and 4 written per element, no write-allocate.</summary>
    [Benchmark(Baseline = true)]
    public void InPlaceAxpy() => loop.Run(Kernel.Axpy, prefetch: false, Threads);

    /// <summary>The in-place axpy asking for its data 2 KiB ahead, as the generated loops do at 10M.</summary>
    [Benchmark]
    public void InPlaceAxpyPrefetched() => loop.Run(Kernel.Axpy, prefetch: true, Threads);

    /// <summary>STREAM triad a = b + s·c: 8 bytes read and 4 written per element (plus the write-allocate read of a).</summary>
    [Benchmark]
    public void Triad() => loop.Run(Kernel.Triad, prefetch: false, Threads);

    /// <summary>PyTorch, <c>fused=True</c>, malloc as it comes.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchFusedUntunedMalloc() => torch!.Steps();

    /// <summary>PyTorch, <c>foreach=True</c>, malloc as it comes.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForeachUntunedMalloc() => torch!.Steps();

    /// <summary>PyTorch, <c>foreach=False</c>, malloc as it comes.</summary>
    [Benchmark(OperationsPerInvoke = TorchServer.StepsPerCall)]
    public void TorchForLoopUntunedMalloc() => torch!.Steps();

    private enum Kernel
    {
        Adam,
        AdamBytes,
        AdamReads,
        Axpy,
        Triad,
    }

    /// <summary>A loop over chunks of 64K elements (vector-aligned), run by the step workers as <c>Step()</c> runs its chunks.</summary>
    private sealed class ChunkedLoop(AdamCeilingBenchmarks owner) : IStepWork
    {
        private const int ChunkLength = 64 * 1024;

        public static int ChunksOf(int length) => (length + ChunkLength - 1) / ChunkLength;
        private Kernel kernel;
        private bool prefetch;
        private AdamScalars scalars;

        // All lanes clear: AdamBytes keeps every value. A field, so that the JIT cannot see the selects are no-ops.
        private Vector512<float> replaceNothing = Vector512<float>.Zero;

        public void Run(Kernel which, bool prefetch, int threads)
        {
            kernel = which;
            this.prefetch = prefetch;
            scalars = AdamScalars.Of(T);
            StepWorkers.Shared.Run(this, ChunksOf(owner.N), threads);
        }

        public void Run(int item)
        {
            if (prefetch) Run<PrefetchAhead>(item);
            else Run<NoPrefetch>(item);
        }

        private void Run<TPrefetch>(int item)
            where TPrefetch : struct, IPrefetch
        {
            int from = item * ChunkLength, length = Math.Min(ChunkLength, owner.N - from);
            switch (kernel)
            {
                case Kernel.Adam:
                    HandWrittenAdam<TPrefetch>(scalars, owner.p.Span.Slice(from, length), owner.g.Span.Slice(from, length), owner.m.Span.Slice(from, length), owner.v.Span.Slice(from, length));
                    break;
                case Kernel.AdamBytes:
                    AdamBytes<TPrefetch>(owner.p.Span.Slice(from, length), owner.g.Span.Slice(from, length), owner.m.Span.Slice(from, length), owner.v.Span.Slice(from, length), replaceNothing);
                    break;
                case Kernel.AdamReads:
                    owner.readSums[item] = AdamReads<TPrefetch>(owner.p.Span.Slice(from, length), owner.g.Span.Slice(from, length), owner.m.Span.Slice(from, length), owner.v.Span.Slice(from, length));
                    break;
                case Kernel.Axpy:
                    Axpy<TPrefetch>(owner.b.Span.Slice(from, length), 1e-6f, owner.c.Span.Slice(from, length));
                    break;
                default:
                    Triad(owner.a.Span.Slice(from, length), owner.b.Span.Slice(from, length), owner.c.Span.Slice(from, length), 3f);
                    break;
            }
        }
    }

    /// <summary>The step-uniform values of PyTorch 2.x's Adam with default settings, rounded to float as the generated kernel rounds them.</summary>
    private readonly record struct AdamScalars(float OneMinusBeta1, float Beta2, float OneMinusBeta2, float BiasCorrection2Sqrt, float Eps, float StepSize)
    {
        public static AdamScalars Of(int t)
        {
            const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
            double biasCorrection1 = 1 - Math.Pow(beta1, t), biasCorrection2 = 1 - Math.Pow(beta2, t);
            return new((float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)Math.Pow(biasCorrection2, 0.5), (float)eps, (float)(lr / biasCorrection1));
        }
    }

    /// <summary>
    /// Adam written by hand with Vector512 and a scalar tail, as a performance engineer would for these settings: the
    /// first moment's lerp in its one form for a weight below 0.5, no branches for the options that are off.
    /// </summary>
    private static void HandWrittenAdam<TPrefetch>(AdamScalars s, Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
        where TPrefetch : struct, IPrefetch
    {
        ref float pRef = ref MemoryMarshal.GetReference(p);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        nuint i = 0, length = (nuint)p.Length;
        var oneMinusBeta1 = Vector512.Create(s.OneMinusBeta1);
        var beta2 = Vector512.Create(s.Beta2);
        var oneMinusBeta2 = Vector512.Create(s.OneMinusBeta2);
        var biasCorrection2Sqrt = Vector512.Create(s.BiasCorrection2Sqrt);
        var eps = Vector512.Create(s.Eps);
        var stepSize = Vector512.Create(s.StepSize);
        for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
        {
            TPrefetch.Ahead(ref pRef, i);
            TPrefetch.Ahead(ref gRef, i);
            TPrefetch.Ahead(ref mRef, i);
            TPrefetch.Ahead(ref vRef, i);
            var gi = Vector512.LoadUnsafe(ref gRef, i);
            var mi = Vector512.LoadUnsafe(ref mRef, i);
            mi = Vector512.FusedMultiplyAdd(oneMinusBeta1, gi - mi, mi);
            var vi = Vector512.FusedMultiplyAdd(oneMinusBeta2 * gi, gi, beta2 * Vector512.LoadUnsafe(ref vRef, i));
            var pi = Vector512.LoadUnsafe(ref pRef, i) - stepSize * mi / (Vector512.Sqrt(vi) / biasCorrection2Sqrt + eps);
            pi.StoreUnsafe(ref pRef, i);
            mi.StoreUnsafe(ref mRef, i);
            vi.StoreUnsafe(ref vRef, i);
        }
        for (; i < length; i++)
        {
            float gi = g[(int)i];
            float mi = MathF.FusedMultiplyAdd(s.OneMinusBeta1, gi - m[(int)i], m[(int)i]);
            float vi = MathF.FusedMultiplyAdd(s.OneMinusBeta2 * gi, gi, s.Beta2 * v[(int)i]);
            p[(int)i] -= s.StepSize * mi / (MathF.Sqrt(vi) / s.BiasCorrection2Sqrt + s.Eps);
            m[(int)i] = mi;
            v[(int)i] = vi;
        }
    }

    /// <summary>
    /// The loads and stores of <see cref="HandWrittenAdam"/> and nothing else: each written vector is a select of the
    /// gradient's lanes in <paramref name="replace"/> (none) and the buffer's own, so p, m and v keep their values.
    /// </summary>
    private static void AdamBytes<TPrefetch>(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Vector512<float> replace)
        where TPrefetch : struct, IPrefetch
    {
        ref float pRef = ref MemoryMarshal.GetReference(p);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        nuint i = 0, length = (nuint)p.Length;
        for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
        {
            TPrefetch.Ahead(ref pRef, i);
            TPrefetch.Ahead(ref gRef, i);
            TPrefetch.Ahead(ref mRef, i);
            TPrefetch.Ahead(ref vRef, i);
            var gi = Vector512.LoadUnsafe(ref gRef, i);
            Vector512.ConditionalSelect(replace, gi, Vector512.LoadUnsafe(ref pRef, i)).StoreUnsafe(ref pRef, i);
            Vector512.ConditionalSelect(replace, gi, Vector512.LoadUnsafe(ref mRef, i)).StoreUnsafe(ref mRef, i);
            Vector512.ConditionalSelect(replace, gi, Vector512.LoadUnsafe(ref vRef, i)).StoreUnsafe(ref vRef, i);
        }
        bool replaced = replace[0] != 0;
        for (; i < length; i++)
        {
            p[(int)i] = replaced ? g[(int)i] : p[(int)i];
            m[(int)i] = replaced ? g[(int)i] : m[(int)i];
            v[(int)i] = replaced ? g[(int)i] : v[(int)i];
        }
    }

    /// <summary>The loads of <see cref="HandWrittenAdam"/> and nothing else: the sum of all four buffers, which keeps every load.</summary>
    private static float AdamReads<TPrefetch>(ReadOnlySpan<float> p, ReadOnlySpan<float> g, ReadOnlySpan<float> m, ReadOnlySpan<float> v)
        where TPrefetch : struct, IPrefetch
    {
        ref float pRef = ref MemoryMarshal.GetReference(p);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        nuint i = 0, length = (nuint)p.Length;
        var sum = Vector512<float>.Zero;
        for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
        {
            TPrefetch.Ahead(ref pRef, i);
            TPrefetch.Ahead(ref gRef, i);
            TPrefetch.Ahead(ref mRef, i);
            TPrefetch.Ahead(ref vRef, i);
            sum += (Vector512.LoadUnsafe(ref pRef, i) + Vector512.LoadUnsafe(ref gRef, i)) + (Vector512.LoadUnsafe(ref mRef, i) + Vector512.LoadUnsafe(ref vRef, i));
        }
        float total = Vector512.Sum(sum);
        for (; i < length; i++) total += p[(int)i] + g[(int)i] + m[(int)i] + v[(int)i];
        return total;
    }

    private static void Axpy<TPrefetch>(Span<float> y, float alpha, ReadOnlySpan<float> x)
        where TPrefetch : struct, IPrefetch
    {
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float xRef = ref MemoryMarshal.GetReference(x);
        nuint i = 0, length = (nuint)y.Length;
        var a = Vector512.Create(alpha);
        for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
        {
            TPrefetch.Ahead(ref xRef, i);
            TPrefetch.Ahead(ref yRef, i);
            Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref xRef, i), Vector512.LoadUnsafe(ref yRef, i)).StoreUnsafe(ref yRef, i);
        }
        for (; i < length; i++) y[(int)i] = MathF.FusedMultiplyAdd(alpha, x[(int)i], y[(int)i]);
    }

    private static void Triad(Span<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, float scale)
    {
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        nuint i = 0, length = (nuint)a.Length;
        var s = Vector512.Create(scale);
        for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            Vector512.FusedMultiplyAdd(s, Vector512.LoadUnsafe(ref cRef, i), Vector512.LoadUnsafe(ref bRef, i)).StoreUnsafe(ref aRef, i);
        for (; i < length; i++) a[(int)i] = MathF.FusedMultiplyAdd(scale, c[(int)i], b[(int)i]);
    }

    /// <summary>
    /// Runs three steps of the hand-written loop and of <c>Adam.Apply</c> on copies of the same buffers (N − 3 long, so
    /// the tails run) and throws unless p, m and v stay bit-identical: the two rows time the same arithmetic.
    /// </summary>
    private void CheckHandWrittenAgainstStep()
    {
        int length = N - 3;
        float[] pH = p.Span[..length].ToArray(), mH = m.Span[..length].ToArray(), vH = v.Span[..length].ToArray();
        float[] pG = [.. pH], mG = [.. mH], vG = [.. vH];
        var gradient = g.Span[..length];
        var hyper = new Adam.Hyperparameters();
        for (int t = 1; t <= 3; t++)
        {
            HandWrittenAdam<NoPrefetch>(AdamScalars.Of(t), pH, gradient, mH, vH);
            Adam.Apply(hyper, t, pG, gradient, mG, vG, default);
        }
        if (!MemoryMarshal.AsBytes(pH.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(pG.AsSpan()))
            || !MemoryMarshal.AsBytes(mH.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(mG.AsSpan()))
            || !MemoryMarshal.AsBytes(vH.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(vG.AsSpan())))
            throw new InvalidOperationException("The hand-written Adam loop is not bit-identical to the generated kernel.");
    }
}
