using System;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Replay;

/// <summary>
/// What replaying a case from an optimizer's authors' code needs beyond a torch.optim case: which of the library's
/// optimizers reproduces it when two answer to its class name, and the authors' own spellings of option values.
/// </summary>
public static class AuthorsCases
{
    /// <summary>
    /// The library optimizer for <paramref name="reference"/>. A case of the authors' code (its <c>source</c> names the
    /// file) is replayed by the optimizer whose reference module is that file, e.g. fairseq's
    /// <c>fairseq/optim/adafactor.py</c> by <c>fairseq.optim.adafactor.Adafactor</c> (<see cref="FairseqAdafactor"/>), not
    /// by torch.optim's Adafactor; any other case as <see cref="Catalog.Find(string)"/> finds it. Null when there is none.
    /// </summary>
    public static OptimizerEntry? Optimizer(ReferenceCase reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if ((string?)reference.Json["source"]?["file"] is { } file)
        {
            string path = file.Replace('\\', '/');
            foreach (var entry in Catalog.All)
            {
                if (entry.Info.PyTorch is not { } module || !module.EndsWith("." + reference.Optimizer, StringComparison.Ordinal)) continue;
                string modulePath = module[..module.LastIndexOf('.')].Replace('.', '/');
                if (path.StartsWith(modulePath + ".py", StringComparison.Ordinal) || path.StartsWith(modulePath + "/", StringComparison.Ordinal)) return entry;
            }
        }
        return Catalog.Find(reference.Optimizer);
    }

    /// <summary>
    /// The value to set for <paramref name="name"/>: an enum setting given as the authors' string (MARS's
    /// <c>mars_type="mars-lion"</c>) takes the member whose name the string ends with, case and punctuation aside
    /// (<see cref="MarsType.Lion"/>); any other value is passed on unchanged.
    /// </summary>
    public static object? ValueFor(HyperparameterSet settings, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (value is not string text || settings.Get(name) is not Enum current) return value;
        string letters = new([.. text.Where(char.IsLetterOrDigit)]);
        var members = Enum.GetNames(current.GetType())
            .Where(member => letters.EndsWith(member, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return members.Count == 1 ? members[0] : value;
    }

    /// <summary>The group-level values the reference recorded for group <paramref name="group"/> after step <paramref name="step"/> (0-based), or null.</summary>
    internal static JsonObject? GroupHistory(ReferenceCase reference, int step, int group) =>
        reference.Json["group_history"] is JsonArray history && step < history.Count && history[step] is JsonArray groups && group < groups.Count
            ? groups[group] as JsonObject
            : null;

    /// <summary>The group-level values the reference recorded for group <paramref name="group"/> after the last step, or null.</summary>
    internal static JsonObject? FinalGroup(ReferenceCase reference, int group) =>
        reference.Json["final_group"] is JsonArray groups && group < groups.Count ? groups[group] as JsonObject : null;
}
