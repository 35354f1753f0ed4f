using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Benchmarks;

/// <summary>
/// What a step over a whole parameter group costs when the update reads group values: <c>Step()</c> of optimizers over
/// one group of three float tensors (N floats in all), against Adam's. Adan without clipping is element-wise; with
/// <c>maxGradNorm</c> it first passes over the group's gradients for their norm; Prodigy passes over the group twice
/// (its sums, then the update). One class, so that the ratios of one run compare.
/// </summary>
[MemoryDiagnoser]
public class GroupStepBenchmarks
{
    private Optimizer adam = null!, adan = null!, adanClipped = null!, prodigy = null!;

    [Params(10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        adam = new Adam(Group(1));
        adan = new Adan(Group(2));
        adanClipped = new Adan(Group(3), maxGradNorm: 1.0);
        prodigy = new Prodigy(Group(4));
        // The first step allocates the state; the measured ones must not.
        foreach (var optimizer in new[] { adam, adan, adanClipped, prodigy }) optimizer.Step();
    }

    /// <summary>Adam over the same group: one pass, reading p, g, m, v and writing p, m, v.</summary>
    [Benchmark(Baseline = true)]
    public void AdamStep() => adam.Step();

    /// <summary>Adan without clipping: one pass over four state buffers (no group sum is computed).</summary>
    [Benchmark]
    public void AdanStep() => adan.Step();

    /// <summary>Adan with maxGradNorm: a pass that reads only the gradients, then Adan's pass.</summary>
    [Benchmark]
    public void AdanClippedStep() => adanClipped.Step();

    /// <summary>Prodigy: a pass for its two group sums (reads p, g, s, p0), then the update.</summary>
    [Benchmark]
    public void ProdigyStep() => prodigy.Step();

    /// <summary>Three tensors of N/2, N/3 and N/6 floats with gradients of magnitude 0.1 to 1.</summary>
    private Parameter<float>[] Group(int seed)
    {
        var random = new Random(seed);
        return new[] { N / 2, N / 3, N - N / 2 - N / 3 }
            .Select((length, i) => new Parameter<float>(Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1).ToArray(), $"p{i}")
            {
                Grad = Enumerable.Range(0, length).Select(_ => (random.NextSingle() * 0.9f + 0.1f) * (random.Next(2) * 2 - 1)).ToArray(),
            })
            .ToArray();
    }
}
