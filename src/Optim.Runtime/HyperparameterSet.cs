using System;
using System.Globalization;

namespace ScratchOptim;

/// <summary>
/// Base of every generated <c>Hyperparameters</c> class: one optimizer's settings for one parameter group, each
/// property validated against its declared range when it is set.
/// </summary>
public abstract class HyperparameterSet
{
    /// <summary>The documentation of the optimizer these settings belong to.</summary>
    public abstract OptimizerInfo Optimizer { get; }

    /// <summary>
    /// Reads a setting by its declared name or its PyTorch name (e.g. <c>"betas[0]"</c>); null only for an optional
    /// (<c>double?</c>) setting that is not set.
    /// </summary>
    /// <exception cref="ArgumentException">No setting has that name.</exception>
    public abstract object? Get(string name);

    /// <summary>
    /// Changes a setting by its declared name or its PyTorch name. Numbers are accepted for <c>double</c> and
    /// integral numbers for <c>int</c> settings; booleans for <c>bool</c> settings; for an enum setting, a value of the
    /// enum or the name of one of its members (any case, e.g. <c>"V1_13"</c>, or PyTorch's snake_case, e.g.
    /// <c>"match_rms_adamw"</c> for <c>MatchRmsAdamW</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No setting has that name, or the value has the wrong type.</exception>
    /// <exception cref="ArgumentNullException">The value is null for a setting that is not optional.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the setting's range.</exception>
    public abstract void Set(string name, object? value);

    /// <summary>
    /// Checks that <see cref="Set"/> would take <paramref name="value"/> for <paramref name="name"/>, without changing
    /// anything (to check a whole file of settings before applying any).
    /// </summary>
    /// <exception cref="ArgumentException">No setting has that name, or the value has the wrong type.</exception>
    /// <exception cref="ArgumentNullException">The value is null for a setting that is not optional.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the setting's range.</exception>
    public void Check(string name, object? value) => Copy().Set(name, value);

    /// <summary>A copy, to try changes on before applying them.</summary>
    internal HyperparameterSet Copy() => (HyperparameterSet)MemberwiseClone();

    /// <summary>
    /// Returns <paramref name="value"/> when it lies in the declared range, and throws otherwise. An infinite bound is
    /// never included (<c>[0, ∞)</c>): an infinite learning rate or epsilon only turns the parameters into NaN.
    /// </summary>
    protected double CheckRange(string name, double value, double min, bool minExclusive, double max, bool maxExclusive)
    {
        bool aboveMin = minExclusive || double.IsNegativeInfinity(min) ? value > min : value >= min;
        bool belowMax = maxExclusive || double.IsPositiveInfinity(max) ? value < max : value <= max;
        if (!(aboveMin && belowMax))
        {
            string range = HyperparameterInfo.FormatRange(min, minExclusive, max, maxExclusive);
            throw new ArgumentOutOfRangeException(name, value,
                $"{Optimizer.Name}: hyperparameter '{name}' ({TorchName(name)}) must be in {range}; got {value.ToString("R", CultureInfo.InvariantCulture)}.");
        }
        return value;
    }

    /// <summary>Returns <paramref name="value"/> when it is a named member of its enum, and throws otherwise.</summary>
    protected TEnum CheckDefined<TEnum>(string name, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException(name, value,
                $"{Optimizer.Name}: hyperparameter '{name}' ({TorchName(name)}) must be one of {string.Join(", ", Enum.GetNames<TEnum>())}; got {value}.");
        return value;
    }

    /// <summary>An exception for a name no setting has, listing the ones that exist.</summary>
    protected ArgumentException UnknownName(string name)
    {
        var names = new string[Optimizer.Hyperparameters.Count];
        for (int i = 0; i < names.Length; i++)
            names[i] = $"{Optimizer.Hyperparameters[i].Name} ({Optimizer.Hyperparameters[i].TorchName})";
        return new ArgumentException($"{Optimizer.Name} has no hyperparameter '{name}'; it has {string.Join(", ", names)}.", nameof(name));
    }

    /// <summary>Converts a value given by name to a setting's type, or explains why it cannot.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null and <typeparamref name="T"/> is not optional.</exception>
    protected T Convert<T>(string name, object? value)
    {
        // An optional setting (double?) takes null, and otherwise what its underlying type takes.
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is null)
        {
            return target != typeof(T)
                ? default!
                : throw new ArgumentNullException(nameof(value), $"{Optimizer.Name}: hyperparameter '{name}' is a {typeof(T).Name} and cannot be null.");
        }
        object? converted = (target, value) switch
        {
            _ when target.IsInstanceOfType(value) => value,
            (Type t, string text) when t.IsEnum => MemberNamed(t, text),
            (Type t, double d) when t == typeof(int) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue => (int)d,
            (Type t, int i) when t == typeof(double) => (double)i,
            (Type t, long l) when t == typeof(double) => (double)l,
            (Type t, float f) when t == typeof(double) => (double)f,
            _ => null,
        };
        if (converted is not null) return (T)converted;
        string type = target.IsEnum ? $"{target.Name} (one of {string.Join(", ", Enum.GetNames(target))})" : target.Name;
        throw new ArgumentException($"{Optimizer.Name}: hyperparameter '{name}' is a {type}; got {value} ({value.GetType().Name}).", nameof(value));
    }

    /// <summary>
    /// The member of <paramref name="enumType"/> called <paramref name="text"/> in any case, or in PyTorch's snake_case
    /// (<c>"match_rms_adamw"</c> for <c>MatchRmsAdamW</c>); null for anything else (numbers too).
    /// </summary>
    private static object? MemberNamed(Type enumType, string text)
    {
        foreach (string member in Enum.GetNames(enumType))
            if (string.Equals(member, text, StringComparison.OrdinalIgnoreCase)) return Enum.Parse(enumType, member);
        foreach (string member in Enum.GetNames(enumType))
            if (!member.Contains('_') && string.Equals(member, text.Replace("_", ""), StringComparison.OrdinalIgnoreCase)) return Enum.Parse(enumType, member);
        return null;
    }

    private string TorchName(string name)
    {
        foreach (var hyper in Optimizer.Hyperparameters)
            if (hyper.Name == name) return $"torch: {hyper.TorchName}";
        return "torch: ?";
    }
}
