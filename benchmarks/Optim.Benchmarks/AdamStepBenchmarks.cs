using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Benchmarks;

/// <summary>
/// One Adam step over N floats, generated kernel against a hand-written one, a scalar loop and the memory bandwidth
/// baselines. All in one class so that one run gives numbers that can be compared with each other.
/// </summary>
[MemoryDiagnoser]
public class AdamStepBenchmarks
{
    // A fixed step count: the bias corrections 1 - beta^t are far from 0 and 1, as in real training.
    private const int T = 10;
    private const float TriadScale = 3f;

    // Default hyperparameters: weightDecay 0, amsgrad and maximize off, PyTorch 2.x arithmetic (the first moment by lerp).
    private readonly Adam.Hyperparameters hyper = new();

    // Adam buffers for the span-level benchmarks, updated in place by every step.
    private float[] p = [], g = [], m = [], v = [];
    private Adam optimizer = null!;

    // STREAM buffers: a is written, b and c are read.
    private float[] a = [], b = [], c = [];

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        // Gradients of magnitude 0.1 to 1 and a warmed-up state: no zeros, so no denormals as the state evolves.
        p = Fill(N, () => random.NextSingle() * 2 - 1);
        g = Fill(N, () => (random.NextSingle() * 0.9f + 0.1f) * (random.Next(2) * 2 - 1));
        m = Fill(N, () => (random.NextSingle() * 2 - 1) * 0.1f);
        v = Fill(N, () => random.NextSingle() * 0.01f + 1e-4f);
        a = new float[N];
        b = Fill(N, () => random.NextSingle());
        c = Fill(N, () => random.NextSingle());

        CheckAgainstGenerated();

        // The optimizer steps its own state over a copy of p; its first step allocates m and v, the measured ones must not.
        optimizer = new Adam([new Parameter<float>([.. p]) { Grad = g }]);
        optimizer.Step();
    }

    /// <summary>The generated span kernel (64-byte vectors, uniform branches inside the loop): the number under test.</summary>
    [Benchmark]
    public void GeneratedApply() => Adam.Apply(hyper, T, p, g, m, v, default);

    /// <summary>
    /// The public API: <see cref="Optimizer.Step"/> over one parameter, i.e. the generated kernel plus the runtime's
    /// per-step work (gradient checks, state lookup, step count). Its step count grows with every call. Should allocate nothing.
    /// </summary>
    [Benchmark]
    public void OptimizerStep() => optimizer.Step();

    /// <summary>What a performance engineer would write by hand for these hyperparameters: the reference for the generated code.</summary>
    [Benchmark(Baseline = true)]
    public void HandWrittenFusedVector256() => HandWrittenAdam(StepScalars.Of(hyper, T), p, g, m, v);

    /// <summary>The same update one element at a time: how much vectorization buys (if the loop is compute bound at all).</summary>
    [Benchmark]
    public void ScalarLoop() => ScalarAdam(StepScalars.Of(hyper, T), p, g, m, v);

    /// <summary>Bandwidth floor: reads and writes N floats once (8 bytes per element counted).</summary>
    [Benchmark]
    public void Copy() => b.AsSpan().CopyTo(a);

    /// <summary>STREAM triad a = b + s * c, vectorized: the usual sustainable-bandwidth yardstick (12 bytes per element counted).</summary>
    [Benchmark]
    public void Triad() => TriadKernel(a, b, c, TriadScale);

    /// <summary>The step-uniform scalars, computed and rounded to float exactly as the generated kernel does.</summary>
    private readonly record struct StepScalars(float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float SqrtBiasCorrection2, float Eps, float StepSize)
    {
        public static StepScalars Of(Adam.Hyperparameters hyper, int t)
        {
            if (hyper.WeightDecay != 0 || hyper.Amsgrad || hyper.Maximize || hyper.Pytorch != ScratchOptim.Dsl.PyTorchVersion.V2 || Math.Abs((float)(1 - hyper.Beta1)) >= 0.5f)
                throw new NotSupportedException("The hand-written kernels implement PyTorch 2.x's Adam without weight decay, AMSGrad or maximize, with 1 - beta1 < 0.5, only.");
            double biasCorrection1 = 1 - Math.Pow(hyper.Beta1, t);
            double biasCorrection2 = 1 - Math.Pow(hyper.Beta2, t);
            return new StepScalars(
                OneMinusBeta1: (float)(1 - hyper.Beta1),
                Beta2: (float)hyper.Beta2,
                OneMinusBeta2: (float)(1 - hyper.Beta2),
                SqrtBiasCorrection2: (float)Math.Pow(biasCorrection2, 0.5),
                Eps: (float)hyper.Eps,
                StepSize: (float)(hyper.Lr / biasCorrection1));
        }
    }

    /// <summary>
    /// Fused Adam step with Vector256 and a scalar tail; operations and their order match the generated kernel. The
    /// first moment is PyTorch 2.x's lerp with its weight 1 - beta1 below 0.5, so one form, m + w·(g − m), with no
    /// per-lane choice (the generated kernel chooses per lane: its Lerp also takes per-element weights).
    /// </summary>
    private static void HandWrittenAdam(StepScalars s, Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
    {
        int length = p.Length;
        if (g.Length != length || m.Length != length || v.Length != length)
            throw new ArgumentException("All buffers must have the parameter's length.");

        ref float pRef = ref MemoryMarshal.GetReference(p);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var oneMinusBeta1 = Vector256.Create(s.OneMinusBeta1);
            var beta2 = Vector256.Create(s.Beta2);
            var oneMinusBeta2 = Vector256.Create(s.OneMinusBeta2);
            var sqrtBiasCorrection2 = Vector256.Create(s.SqrtBiasCorrection2);
            var eps = Vector256.Create(s.Eps);
            var stepSize = Vector256.Create(s.StepSize);

            nuint lastVector = (nuint)(length - Vector256<float>.Count);
            for (; i <= lastVector; i += (nuint)Vector256<float>.Count)
            {
                var gi = Vector256.LoadUnsafe(ref gRef, i);
                var mOld = Vector256.LoadUnsafe(ref mRef, i);
                var mi = Vector256.FusedMultiplyAdd(oneMinusBeta1, gi - mOld, mOld);
                var vi = Vector256.FusedMultiplyAdd(oneMinusBeta2 * gi, gi, beta2 * Vector256.LoadUnsafe(ref vRef, i));
                var denom = Vector256.Sqrt(vi) / sqrtBiasCorrection2 + eps;
                var pi = Vector256.LoadUnsafe(ref pRef, i) - stepSize * mi / denom;
                pi.StoreUnsafe(ref pRef, i);
                mi.StoreUnsafe(ref mRef, i);
                vi.StoreUnsafe(ref vRef, i);
            }
        }

        for (; i < (nuint)length; i++)
        {
            float gi = g[(int)i];
            float mi = MathF.FusedMultiplyAdd(s.OneMinusBeta1, gi - m[(int)i], m[(int)i]);
            float vi = MathF.FusedMultiplyAdd(s.OneMinusBeta2 * gi, gi, s.Beta2 * v[(int)i]);
            p[(int)i] -= s.StepSize * mi / (MathF.Sqrt(vi) / s.SqrtBiasCorrection2 + s.Eps);
            m[(int)i] = mi;
            v[(int)i] = vi;
        }
    }

    /// <summary>The same step as a plain for-loop over arrays (bounds checks and all).</summary>
    private static void ScalarAdam(StepScalars s, float[] p, float[] g, float[] m, float[] v)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float mi = float.FusedMultiplyAdd(s.OneMinusBeta1, g[i] - m[i], m[i]);
            float vi = float.FusedMultiplyAdd(s.OneMinusBeta2 * g[i], g[i], s.Beta2 * v[i]);
            p[i] -= s.StepSize * mi / (MathF.Sqrt(vi) / s.SqrtBiasCorrection2 + s.Eps);
            m[i] = mi;
            v[i] = vi;
        }
    }

    private static void TriadKernel(Span<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, float scale)
    {
        int length = a.Length;
        if (b.Length != length || c.Length != length)
            throw new ArgumentException("All buffers must have the same length.");

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var s = Vector256.Create(scale);
            nuint lastVector = (nuint)(length - Vector256<float>.Count);
            for (; i <= lastVector; i += (nuint)Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref bRef, i) + s * Vector256.LoadUnsafe(ref cRef, i)).StoreUnsafe(ref aRef, i);
        }
        for (; i < (nuint)length; i++)
            a[(int)i] = b[(int)i] + scale * c[(int)i];
    }

    /// <summary>
    /// Runs a few steps of the generated kernel, the hand-written one and the scalar loop on copies of the same inputs
    /// and throws unless p, m and v stay bit-identical, so the timings compare equal work.
    /// </summary>
    private void CheckAgainstGenerated()
    {
        int length = N - 3; // Not a multiple of the vector width: the scalar tails run too.
        float[] pG = p[..length], mG = m[..length], vG = v[..length];
        float[] pH = p[..length], mH = m[..length], vH = v[..length];
        float[] pS = p[..length], mS = m[..length], vS = v[..length];
        float[] gradient = g[..length];
        foreach (int t in (int[])[1, 2, T])
        {
            Adam.Apply(hyper, t, pG, gradient, mG, vG, default);
            HandWrittenAdam(StepScalars.Of(hyper, t), pH, gradient, mH, vH);
            ScalarAdam(StepScalars.Of(hyper, t), pS, gradient, mS, vS);
            RequireBitEqual("HandWrittenFusedVector256", t, [pG, mG, vG], [pH, mH, vH]);
            RequireBitEqual("ScalarLoop", t, [pG, mG, vG], [pS, mS, vS]);
        }
    }

    private static void RequireBitEqual(string kernel, int t, float[][] expected, float[][] actual)
    {
        string[] names = ["p", "m", "v"];
        for (int k = 0; k < names.Length; k++)
        {
            if (!MemoryMarshal.Cast<float, int>(expected[k]).SequenceEqual(MemoryMarshal.Cast<float, int>(actual[k])))
                throw new InvalidOperationException($"{kernel} is not bit-identical to Adam.Apply: '{names[k]}' differs after step t = {t}.");
        }
    }

    private static float[] Fill(int length, Func<float> next)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = next();
        return values;
    }
}
