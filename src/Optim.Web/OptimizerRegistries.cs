using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace ScratchOptim.Web;

/// <summary>
/// Finds the optimizers of every assembly the site was built with: the generator writes one registry per assembly
/// that declares optimizers (<c>ScratchOptim.Generated.OptimizerRegistry</c>), so the library's built-ins and a
/// user's own declarations are found the same way, by name.
/// </summary>
public static class OptimizerRegistries
{
    private const string RegistryType = "ScratchOptim.Generated.OptimizerRegistry";

    /// <summary>Every optimizer declared in the named assemblies, in the order given; names that fail to load are skipped.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "The site is trimmed in partial mode: only framework assemblies are trimmed, so every optimizer assembly keeps its registry.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "The site is trimmed in partial mode: only framework assemblies are trimmed, so every optimizer assembly keeps its registry.")]
    public static IReadOnlyList<OptimizerEntry> Find(IEnumerable<string> assemblyNames)
    {
        var entries = new List<OptimizerEntry>();
        foreach (string name in assemblyNames)
        {
            if (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)) continue;
            Assembly assembly;
            try
            {
                assembly = Assembly.Load(name);
            }
            catch (Exception exception) when (exception is System.IO.IOException or BadImageFormatException)
            {
                continue;
            }
            var all = assembly.GetType(RegistryType)?.GetProperty("All", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            if (all is IEnumerable<OptimizerEntry> declared) entries.AddRange(declared);
        }
        return entries;
    }
}
