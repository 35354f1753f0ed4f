using System;
using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Replay;

/// <summary>
/// How an authors' constructor keyword arguments become the library's settings, where a plain set by name is not
/// enough: arguments that change no number, Python's <c>None</c> for an optional feature, and settings that the code
/// a case was recorded with implies. (torch.optim's code-path arguments are <see cref="CaseRunner.CodePathOptions"/>.)
/// </summary>
internal static class KeywordArguments
{
    /// <summary>
    /// Settings implied by the code that recorded a case, by the repository its <c>reference</c> starts with: an optimizer
    /// that reproduces several implementations has an enum setting to choose one (Lion: the authors' code or the
    /// lucidrains port, which round differently).
    /// </summary>
    private static readonly (string Repository, string Optimizer, string Setting, string Value)[] Implementations =
    [
        ("lucidrains/lion-pytorch ", "Lion", "implementation", "Lucidrains"),
    ];

    /// <summary>The settings the code that recorded <paramref name="reference"/> implies for <paramref name="optimizer"/>.</summary>
    public static IEnumerable<(string Name, string Value)> ImpliedBy(ReferenceCase reference, OptimizerInfo optimizer)
    {
        foreach (var (repository, name, setting, value) in Implementations)
        {
            if (optimizer.Name == name && reference.Reference is { } text && text.StartsWith(repository, StringComparison.Ordinal))
                yield return (setting, value);
        }
    }

    /// <summary>Arguments that only choose what the reference prints: AdaBelief's <c>print_change_log</c>.</summary>
    private static readonly HashSet<string> WithoutEffect = new(StringComparer.Ordinal) { "print_change_log" };

    /// <summary>Whether the argument <paramref name="name"/> changes nothing the library computes.</summary>
    public static bool HasNoEffect(string name) => WithoutEffect.Contains(name);

    /// <summary>
    /// The value to set for argument <paramref name="name"/>. The authors' <c>None</c> switches an optional feature
    /// off (ADOPT's <c>clip_lambda=None</c>: no clipping; AdEMAMix's <c>alpha_warmup=None</c>: no warmup), which is
    /// false for a switch and 0 for a count; an optional number (<c>double?</c>) takes it as null. An enum setting
    /// given as the authors' string (MARS's <c>mars_type="mars-lion"</c>) takes the member whose name the string ends
    /// with, case and punctuation aside (<c>MarsType.Lion</c>). Any other value is passed on unchanged.
    /// </summary>
    public static object? ValueFor(HyperparameterSet settings, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (value is string text) return EnumMember(settings, name, text);
        if (value is not null) return value;
        foreach (var hyper in settings.Optimizer.Hyperparameters)
        {
            if (hyper.Name != name && hyper.TorchName != name) continue;
            return hyper.Type switch
            {
                "bool" => false,
                "int" => 0,
                _ => null, // an optional number takes null; for any other the setter says it cannot be null
            };
        }
        return null;
    }

    private static object EnumMember(HyperparameterSet settings, string name, string text)
    {
        if (settings.Get(name) is not Enum current) return text;
        string letters = new([.. text.Where(char.IsLetterOrDigit)]);
        var members = Enum.GetNames(current.GetType())
            .Where(member => letters.EndsWith(member, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return members.Count == 1 ? members[0] : text;
    }
}
