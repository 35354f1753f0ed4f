using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchOptim.Training;

/// <summary>How <see cref="AveragedModel{T}"/> averages.</summary>
public enum AveragingKind
{
    /// <summary>
    /// Exponential moving average: <c>avg = lerp(avg, p, 1 - decay)</c>, as
    /// <c>AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))</c>.
    /// </summary>
    ExponentialMovingAverage,

    /// <summary>
    /// Equal-weight average of every update (stochastic weight averaging, Izmailov et al. 2018):
    /// <c>avg = avg + (p - avg) / (n + 1)</c>, as <c>AveragedModel(model)</c>'s default on the CPU.
    /// </summary>
    EqualWeight,
}

/// <summary>
/// A running average of a model's parameters, as PyTorch's <c>torch.optim.swa_utils.AveragedModel</c>: an
/// exponential moving average (EMA weights) or the equal-weight average of stochastic weight averaging (with
/// <see cref="SWALR"/>). <see cref="Update"/> is <c>update_parameters(model)</c>: the first call copies the
/// model, each later one moves the average towards it, with PyTorch's float operations, so the averages equal
/// PyTorch's bit for bit. Updates allocate nothing.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class AveragedModel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Memory<T>[] model;
    private readonly T[][] averaged;

    private AveragedModel(IReadOnlyList<Memory<T>> model, AveragingKind kind, double decay)
    {
        VectorNorms.CheckElementType<T>();
        ArgumentNullException.ThrowIfNull(model);
        if (model.Count == 0) throw new ArgumentException("There are no tensors to average.", nameof(model));
        this.model = [.. model];
        averaged = new T[model.Count][];
        for (int i = 0; i < averaged.Length; i++) averaged[i] = model[i].Span.ToArray();
        Kind = kind;
        Decay = decay;
    }

    /// <summary>
    /// An exponential moving average of <paramref name="model"/>'s tensors (read at each <see cref="Update"/>):
    /// <c>avg = decay * avg + (1 - decay) * p</c>, computed as PyTorch's <c>lerp</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in [0, 1].</exception>
    public static AveragedModel<T> ExponentialMovingAverage(IReadOnlyList<Memory<T>> model, double decay = 0.999)
    {
        CheckDecay(decay);
        return new AveragedModel<T>(model, AveragingKind.ExponentialMovingAverage, decay);
    }

    internal static void CheckDecay(double decay)
    {
        if (!(decay >= 0 && decay <= 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, $"Invalid decay value {PythonFloat.Repr(decay)} provided. Please provide a value in [0,1] range.");
    }

    /// <summary>The equal-weight average of <paramref name="model"/>'s tensors over every <see cref="Update"/> (SWA).</summary>
    public static AveragedModel<T> EqualWeight(IReadOnlyList<Memory<T>> model) =>
        new(model, AveragingKind.EqualWeight, double.NaN);

    /// <summary>How this model averages.</summary>
    public AveragingKind Kind { get; }

    /// <summary>The EMA decay (NaN for <see cref="AveragingKind.EqualWeight"/>).</summary>
    public double Decay { get; }

    /// <summary>How many updates have been averaged (PyTorch's <c>n_averaged</c>).</summary>
    public long Count { get; internal set; }

    /// <summary>The averaged tensors, in the order of the model's.</summary>
    public IReadOnlyList<T[]> Averaged => averaged;

    /// <summary>Averages in the model's current values (PyTorch's <c>update_parameters(model)</c>).</summary>
    /// <exception cref="InvalidOperationException">A model tensor's length changed since construction; nothing was averaged.</exception>
    public void Update()
    {
        for (int i = 0; i < model.Length; i++)
            if (model[i].Length != averaged[i].Length)
                throw new InvalidOperationException($"Model tensor {i} has {model[i].Length} elements; it had {averaged[i].Length} when the average was made. Nothing was averaged.");
        if (Count == long.MaxValue) throw new InvalidOperationException("The update counter is at its limit; nothing was averaged.");

        if (Count == 0)
        {
            for (int i = 0; i < model.Length; i++) model[i].Span.CopyTo(averaged[i]);
        }
        else if (Kind == AveragingKind.ExponentialMovingAverage)
        {
            // torch._foreach_lerp_(ema, model, 1 - decay): the weight rounded to the element type.
            T weight = T.CreateTruncating(1 - Decay);
            for (int i = 0; i < model.Length; i++) Lerp(averaged[i], model[i].Span, weight);
        }
        else
        {
            // averaged + (current - averaged) / (n_averaged + 1), one tensor operation at a time.
            T divisor = T.CreateTruncating(Count + 1);
            for (int i = 0; i < model.Length; i++) MoveTowards(averaged[i], model[i].Span, divisor);
        }
        Count++;
    }

    /// <summary>Copies the averages into the model's tensors (to evaluate or save the averaged weights).</summary>
    public void CopyTo(IReadOnlyList<Memory<T>> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Count != averaged.Length) throw new ArgumentException($"There are {averaged.Length} averaged tensors; got {destination.Count} to copy them to.", nameof(destination));
        for (int i = 0; i < averaged.Length; i++)
            if (destination[i].Length != averaged[i].Length)
                throw new ArgumentException($"Tensor {i} has {destination[i].Length} elements; its average has {averaged[i].Length}. Nothing was copied.", nameof(destination));
        for (int i = 0; i < averaged.Length; i++) averaged[i].CopyTo(destination[i]);
    }

    /// <summary>For checkpoints: sets average <paramref name="index"/> (values of its length).</summary>
    internal void RestoreAverage(int index, ReadOnlySpan<T> values) => values.CopyTo(averaged[index]);

    /// <summary>
    /// ATen's <c>lerp(self, end, weight)</c>: <c>weight &lt; 0.5 ? fma(weight, end - self, self) : fma(weight - 1, end - self, end)</c>.
    /// </summary>
    private static void Lerp(Span<T> self, ReadOnlySpan<T> end, T weight)
    {
        bool small = weight < T.CreateTruncating(0.5);
        T coefficient = small ? weight : weight - T.One;
        var coefficientVector = Vector256.Create(coefficient);
        int lanes = Vector256<T>.Count;
        int body = self.Length - self.Length % lanes;
        ref T selfStart = ref MemoryMarshal.GetReference(self);
        ref T endStart = ref MemoryMarshal.GetReference(end);
        for (int i = 0; i < body; i += lanes)
        {
            var s = Vector256.LoadUnsafe(ref selfStart, (nuint)i);
            var e = Vector256.LoadUnsafe(ref endStart, (nuint)i);
            FusedMultiplyAdd(coefficientVector, e - s, small ? s : e).StoreUnsafe(ref selfStart, (nuint)i);
        }
        for (int i = body; i < self.Length; i++)
            self[i] = T.FusedMultiplyAdd(coefficient, end[i] - self[i], small ? self[i] : end[i]);
    }

    /// <summary><c>a * b + c</c> rounded once, per lane.</summary>
    private static Vector256<T> FusedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();

    private static void MoveTowards(Span<T> average, ReadOnlySpan<T> current, T divisor)
    {
        var divisorVector = Vector256.Create(divisor);
        int lanes = Vector256<T>.Count;
        int body = average.Length - average.Length % lanes;
        ref T averageStart = ref MemoryMarshal.GetReference(average);
        ref T currentStart = ref MemoryMarshal.GetReference(current);
        for (int i = 0; i < body; i += lanes)
        {
            var a = Vector256.LoadUnsafe(ref averageStart, (nuint)i);
            var c = Vector256.LoadUnsafe(ref currentStart, (nuint)i);
            (a + (c - a) / divisorVector).StoreUnsafe(ref averageStart, (nuint)i);
        }
        for (int i = body; i < average.Length; i++) average[i] += (current[i] - average[i]) / divisor;
    }
}
