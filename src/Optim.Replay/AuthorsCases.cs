using System;
using System.Linq;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Replay;

/// <summary>
/// What replaying a case from an optimizer's authors' code needs beyond a torch.optim case: which of the library's
/// optimizers reproduces it when two answer to its class name.
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
}
