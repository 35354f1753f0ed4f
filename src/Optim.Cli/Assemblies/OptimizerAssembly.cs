using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ScratchOptim.Cli.Commands;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Cli.Assemblies;

/// <summary>
/// The optimizers declared in a user's assembly, read from the registry the ScratchOptim.Dsl generator writes into
/// every assembly with <c>[Optimizer]</c> classes (<c>ScratchOptim.Generated.OptimizerRegistry.All</c>, see the
/// generator's RegistryEmitter): their documentation, factories and generated code, exactly as the built-ins'.
/// </summary>
public static class OptimizerAssembly
{
    /// <summary>The registry's full name, as the generator emits it.</summary>
    public const string RegistryTypeName = "ScratchOptim.Generated.OptimizerRegistry";

    /// <summary>
    /// <paramref name="own"/> optimizers, then every built-in whose name none of them takes: an optimizer of your own
    /// called like a built-in replaces it.
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> WithBuiltIns(IReadOnlyList<OptimizerEntry> own) =>
        [.. own, .. Catalog.All.Where(builtIn => Catalog.Find(builtIn.Info.Name, own) is null)];

    /// <summary>The optimizers declared in the assembly at <paramref name="file"/>, loaded with its dependencies.</summary>
    /// <exception cref="InvalidInputException">The file is missing, not a .NET assembly, or has no optimizer registry.</exception>
    public static IReadOnlyList<OptimizerEntry> Load(FileInfo file)
    {
        string path = file.FullName;
        if (!file.Exists) throw new InvalidInputException($"--assembly {path}: no such file.");
        Type? registry;
        try
        {
            var assembly = new OptimizerLoadContext(path).LoadFromAssemblyPath(path);
            registry = assembly.GetType(RegistryTypeName, throwOnError: false);
        }
        catch (BadImageFormatException)
        {
            throw new InvalidInputException($"--assembly {path}: not a .NET assembly.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new InvalidInputException($"--assembly {path}: cannot load it: {exception.Message}", exception);
        }
        if (registry?.GetProperty("All", BindingFlags.Public | BindingFlags.Static) is not { } all)
        {
            throw new InvalidInputException(
                $"--assembly {path}: no optimizers in it: it has no {RegistryTypeName}, which the ScratchOptim.Dsl generator " +
                "writes into an assembly that declares [Optimizer] classes.");
        }
        try
        {
            return all.GetValue(null) as IReadOnlyList<OptimizerEntry>
                ?? throw new InvalidInputException($"--assembly {path}: its optimizer registry is not a list of ScratchOptim.OptimizerEntry.");
        }
        catch (TargetInvocationException exception)
        {
            // The registry's initializer failed, e.g. the assembly was built against a ScratchOptim.Runtime with members this one lacks.
            var cause = exception.InnerException is TypeInitializationException { InnerException: { } inner } ? inner : exception.InnerException;
            throw new InvalidInputException(
                $"--assembly {path}: its optimizers cannot be loaded by this optim (ScratchOptim.Runtime {typeof(Optimizer).Assembly.GetName().Version}): {cause?.Message}",
                exception);
        }
    }
}
