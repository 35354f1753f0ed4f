using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Cli.Assemblies;

/// <summary>
/// Where an assembly of the user's optimizers is loaded, with its own dependencies, found as the .NET host finds an
/// application's (its .deps.json and its folder) — except ScratchOptim's runtime, DSL and library, which are the
/// tool's own copies: the registry's <see cref="OptimizerEntry"/> and <see cref="Optimizer"/> must be the types the
/// tool knows, whatever version the assembly was built against.
/// </summary>
public sealed class OptimizerLoadContext : AssemblyLoadContext
{
    private static readonly Dictionary<string, Assembly> Shared = new[]
    {
        typeof(Optimizer).Assembly,
        typeof(Dsl.OptimizerAttribute).Assembly,
        typeof(Catalog).Assembly,
    }.ToDictionary(assembly => assembly.GetName().Name!, StringComparer.OrdinalIgnoreCase);

    private readonly AssemblyDependencyResolver resolver;

    /// <exception cref="InvalidOperationException">The assembly's .deps.json cannot be read.</exception>
    public OptimizerLoadContext(string assemblyPath)
        : base($"optim --assembly {assemblyPath}")
    {
        resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && Shared.TryGetValue(name, out var own)) return own;
        // Null leaves the rest (the framework) to the default context.
        return resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
