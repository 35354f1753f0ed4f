using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>What the speed benchmarks step: float32 parameters in 64-byte-aligned memory, and the optimizers' settings, as the PyTorch side does.</summary>
internal static class Workload
{
    /// <summary>
    /// A model-like mix of 200 tensors from 64 to 4M elements (41.8M in all): sizes 64 · 2^(16·(i/199)²), so most are
    /// small (158 below 64K elements: biases, norms, small layers) and a few are large.
    /// </summary>
    public static IReadOnlyList<int> ModelMix { get; } =
        Enumerable.Range(0, 200).Select(i => (int)Math.Round(64 * Math.Pow(2, 16 * Math.Pow(i / 199.0, 2)))).ToArray();

    /// <summary>
    /// One parameter per size, values in [-1, 1) and gradients of magnitude 0.1 to 1 (no zeros, so no denormals as
    /// the state evolves), in 64-byte-aligned memory as PyTorch's CPU allocator gives its tensors.
    /// </summary>
    public static Parameter<float>[] Parameters(IReadOnlyList<int> sizes, int seed = 42)
    {
        var random = new Random(seed);
        return sizes.Select((size, i) =>
        {
            var data = AlignedMemory(size);
            var grad = AlignedMemory(size);
            var values = data.Span;
            var gradient = grad.Span;
            for (int k = 0; k < size; k++)
            {
                values[k] = random.NextSingle() * 2 - 1;
                gradient[k] = (random.NextSingle() * 0.9f + 0.1f) * (random.Next(2) * 2 - 1);
            }
            return new Parameter<float>(data, [size], "p" + i) { Grad = grad };
        }).ToArray();
    }

    /// <summary>The optimizers of the comparison, with the settings the PyTorch side uses (tools/benchmarks/torch_step_server.py).</summary>
    public static Optimizer Create(string optimizer, IEnumerable<Parameter> parameters) => optimizer switch
    {
        "Adam" => new Adam(parameters, lr: 1e-3),
        "AdamW" => new AdamW(parameters, lr: 1e-3, weightDecay: 1e-2),
        "SGD" => new SGD(parameters, lr: 1e-2, momentum: 0.9),
        "Adagrad" => new Adagrad(parameters, lr: 1e-2),
        "Lion" => new Lion(parameters, lr: 1e-4, weightDecay: 1e-2),
        _ => throw new ArgumentException("Not one of the compared optimizers: " + optimizer, nameof(optimizer)),
    };

    /// <summary>
    /// <paramref name="length"/> floats whose first is on a 64-byte boundary: a slice of an array on the pinned object
    /// heap, which the garbage collector never moves.
    /// </summary>
    public static unsafe Memory<float> AlignedMemory(int length)
    {
        const int alignment = 64;
        var array = GC.AllocateArray<float>(length + alignment / sizeof(float), pinned: true);
        fixed (float* start = array)
        {
            int offset = (int)((alignment - (nint)start % alignment) % alignment) / sizeof(float);
            return array.AsMemory(offset, length);
        }
    }
}
