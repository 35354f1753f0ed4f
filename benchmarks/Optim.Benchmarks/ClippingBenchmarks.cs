using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using ScratchOptim.Training;

namespace ScratchOptim.Benchmarks;

/// <summary>
/// <c>clip_grad_norm_</c> over N float gradients split into tensors as a model's are, against the memory traffic it
/// cannot avoid: one read of every gradient (the norm) and one read and write (the scaling), measured as a
/// hand-written sum of squares with four independent Vector256 accumulators (free to reorder, as ATen's order is
/// not) plus an in-place multiply; and the same call on the model's parameters (<c>clip_grad_norm_(model.parameters())</c>),
/// which only adds the walk over the parameter list. All in one class so one run compares them.
/// </summary>
[MemoryDiagnoser]
public class ClippingBenchmarks
{
    private Memory<float>[] gradients = [];
    private Parameter[] parameters = [];
    private float[] flat = [];

    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        // Twenty tensors of uneven lengths (a small transformer's gradients are a few hundred tensors).
        flat = new float[N];
        for (int i = 0; i < flat.Length; i++) flat[i] = random.NextSingle() * 2 - 1;
        gradients = new Memory<float>[20];
        int start = 0;
        for (int t = 0; t < gradients.Length; t++)
        {
            int length = t == gradients.Length - 1 ? N - start : N / gradients.Length + (t % 3) - 1;
            gradients[t] = flat.AsMemory(start, length);
            start += length;
        }
        parameters = [.. gradients.Select((gradient, t) => new Parameter<float>(new float[gradient.Length], $"layer{t}") { Grad = gradient })];
    }

    /// <summary>The library: per-tensor norms in ATen's order, the total, the coefficient, the scaling (never clips here, the gradients keep their values).</summary>
    [Benchmark]
    public float ClipGradNorm() => GradientClipping.ClipGradNorm<float>(gradients, maxNorm: float.MaxValue);

    /// <summary>The same on parameters: their gradients gathered from the list (pooled, no allocation), then as above.</summary>
    [Benchmark]
    public double ClipGradNormParameters() => GradientClipping.ClipGradNorm(parameters, maxNorm: float.MaxValue);

    /// <summary>The same two passes without ATen's order: four accumulators, then a multiply.</summary>
    [Benchmark(Baseline = true)]
    public float TwoPassBaseline()
    {
        float sum = 0;
        foreach (var gradient in gradients) sum += SumOfSquares(gradient.Span);
        var one = Vector256.Create(1f);
        foreach (var gradient in gradients)
        {
            var span = gradient.Span;
            ref float start = ref MemoryMarshal.GetReference(span);
            int i = 0;
            for (; i <= span.Length - 8; i += 8) (Vector256.LoadUnsafe(ref start, (nuint)i) * one).StoreUnsafe(ref start, (nuint)i);
            for (; i < span.Length; i++) span[i] *= 1f;
        }
        return MathF.Sqrt(sum);
    }

    private static float SumOfSquares(Span<float> x)
    {
        ref float start = ref MemoryMarshal.GetReference(x);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= x.Length - 32; i += 32)
        {
            var a = Vector256.LoadUnsafe(ref start, (nuint)i);
            var b = Vector256.LoadUnsafe(ref start, (nuint)(i + 8));
            var c = Vector256.LoadUnsafe(ref start, (nuint)(i + 16));
            var d = Vector256.LoadUnsafe(ref start, (nuint)(i + 24));
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        float sum = Vector256.Sum(s0 + s1 + s2 + s3);
        for (; i < x.Length; i++) sum += x[i] * x[i];
        return sum;
    }
}
