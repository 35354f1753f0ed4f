using System;
using System.Collections.Generic;

namespace ScratchOptim.Training;

/// <summary>
/// A running average of a model's <see cref="Parameter"/>s, float and double alike, as PyTorch's
/// <c>torch.optim.swa_utils.AveragedModel</c>: EMA weights or the equal-weight average of SWA, with the arithmetic
/// of <see cref="AveragedModel{T}"/> (PyTorch's bits). <see cref="Update"/> reads the parameters' current values;
/// <see cref="Average{T}"/> is a parameter's average. A <see cref="Checkpoint"/> saves and restores it.
/// </summary>
public sealed class AveragedModel
{
    private readonly Parameter[] parameters;
    private readonly AveragedModel<float>? singles;
    private readonly AveragedModel<double>? doubles;
    private readonly Dictionary<Parameter, int> slots = new(ReferenceEqualityComparer.Instance);

    private AveragedModel(IEnumerable<Parameter> parameters, Func<IReadOnlyList<Memory<float>>, AveragedModel<float>> singleModel, Func<IReadOnlyList<Memory<double>>, AveragedModel<double>> doubleModel)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.parameters = [.. parameters];
        if (this.parameters.Length == 0) throw new ArgumentException("There are no parameters to average.", nameof(parameters));
        var singleData = new List<Memory<float>>();
        var doubleData = new List<Memory<double>>();
        for (int i = 0; i < this.parameters.Length; i++)
        {
            var parameter = this.parameters[i] ?? throw new ArgumentNullException(nameof(parameters), $"Parameter {i} is null.");
            switch (parameter)
            {
                case Parameter<float> single:
                    if (!slots.TryAdd(parameter, singleData.Count)) throw Twice(parameter, i);
                    singleData.Add(single.Data);
                    break;
                case Parameter<double> real:
                    if (!slots.TryAdd(parameter, doubleData.Count)) throw Twice(parameter, i);
                    doubleData.Add(real.Data);
                    break;
            }
        }
        singles = singleData.Count > 0 ? singleModel(singleData) : null;
        doubles = doubleData.Count > 0 ? doubleModel(doubleData) : null;
    }

    /// <summary>
    /// An exponential moving average of <paramref name="parameters"/>: <c>avg = decay * avg + (1 - decay) * p</c>,
    /// computed as PyTorch's <c>lerp</c> (<c>AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in [0, 1].</exception>
    /// <exception cref="ArgumentException">There are no parameters, or one is listed twice.</exception>
    public static AveragedModel ExponentialMovingAverage(IEnumerable<Parameter> parameters, double decay = 0.999)
    {
        AveragedModel<float>.CheckDecay(decay);
        return new(parameters, data => AveragedModel<float>.ExponentialMovingAverage(data, decay), data => AveragedModel<double>.ExponentialMovingAverage(data, decay));
    }

    /// <summary>The equal-weight average of <paramref name="parameters"/> over every <see cref="Update"/> (SWA, <c>AveragedModel(model)</c>).</summary>
    /// <exception cref="ArgumentException">There are no parameters, or one is listed twice.</exception>
    public static AveragedModel EqualWeight(IEnumerable<Parameter> parameters) =>
        new(parameters, AveragedModel<float>.EqualWeight, AveragedModel<double>.EqualWeight);

    /// <summary>The averaged parameters, in order.</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>How this model averages.</summary>
    public AveragingKind Kind => singles?.Kind ?? doubles!.Kind;

    /// <summary>The EMA decay (NaN for <see cref="AveragingKind.EqualWeight"/>).</summary>
    public double Decay => singles?.Decay ?? doubles!.Decay;

    /// <summary>How many updates have been averaged (PyTorch's <c>n_averaged</c>).</summary>
    public long Count => singles?.Count ?? doubles!.Count;

    /// <summary>Averages in the parameters' current values (PyTorch's <c>update_parameters(model)</c>).</summary>
    /// <exception cref="InvalidOperationException">The update counter is at its limit; nothing was averaged.</exception>
    public void Update()
    {
        // Both counters are always equal: the first check covers the second, so nothing is half-averaged.
        singles?.Update();
        doubles?.Update();
    }

    /// <summary>The average of <paramref name="parameter"/>, one value per element.</summary>
    /// <typeparam name="T">The parameter's element type.</typeparam>
    /// <exception cref="ArgumentException">The parameter is not averaged here, or its elements are not <typeparamref name="T"/>.</exception>
    public ReadOnlySpan<T> Average<T>(Parameter parameter)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!slots.TryGetValue(parameter, out int slot))
            throw new ArgumentException($"Parameter '{parameter}' is not averaged by this model.", nameof(parameter));
        return parameter switch
        {
            Parameter<float> when typeof(T) == typeof(float) => AsSpan<T>(singles!.Averaged[slot]),
            Parameter<double> when typeof(T) == typeof(double) => AsSpan<T>(doubles!.Averaged[slot]),
            _ => throw new ArgumentException($"Parameter '{parameter}' holds {parameter.ElementType} values, not {typeof(T).Name}.", nameof(T)),
        };
    }

    /// <summary>
    /// Copies the averages into <paramref name="destination"/>, parameters of the same types and lengths in the same
    /// order (e.g. a copy of the model to evaluate the averaged weights with); nothing is copied unless all fit.
    /// </summary>
    /// <exception cref="ArgumentException">The destination differs in count, element type or length.</exception>
    public void CopyTo(IReadOnlyList<Parameter> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Count != parameters.Length)
            throw new ArgumentException($"There are {parameters.Length} averaged parameters; got {destination.Count} to copy them to.", nameof(destination));
        for (int i = 0; i < parameters.Length; i++)
        {
            if (destination[i] is not { } target || target.ElementType != parameters[i].ElementType || target.Length != parameters[i].Length)
                throw new ArgumentException($"Parameter {i} ('{destination[i]}') cannot take the average of '{parameters[i]}': it needs {parameters[i].Length} {parameters[i].ElementType} elements. Nothing was copied.", nameof(destination));
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            switch (destination[i])
            {
                case Parameter<float> single:
                    singles!.Averaged[slots[parameters[i]]].CopyTo(single.Data.Span);
                    break;
                case Parameter<double> real:
                    doubles!.Averaged[slots[parameters[i]]].CopyTo(real.Data.Span);
                    break;
            }
        }
    }

    /// <summary>For checkpoints: sets the average of <paramref name="parameter"/> (values of its type and length).</summary>
    internal void RestoreAverage(Parameter parameter, Array values)
    {
        if (values is float[] floats) singles!.RestoreAverage(slots[parameter], floats);
        else doubles!.RestoreAverage(slots[parameter], (double[])values);
    }

    /// <summary>For checkpoints: sets the update count (kept alike for both element types).</summary>
    internal void RestoreCount(long count)
    {
        if (singles is not null) singles.Count = count;
        if (doubles is not null) doubles.Count = count;
    }

    private static ReadOnlySpan<T> AsSpan<T>(Array values)
        where T : unmanaged => (T[])values;

    private static ArgumentException Twice(Parameter parameter, int index) =>
        new($"Parameter {index} ('{parameter}') is listed twice.", "parameters");
}
