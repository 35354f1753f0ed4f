using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using ScratchOptim.Cli.Assemblies;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>--assembly DLL</c>, of <c>list</c>, <c>show</c> and <c>race</c>: optimizers of your own beside the built-ins.</summary>
public static class AssemblyOption
{
    public static Option<FileInfo[]> Create() => new("--assembly", "-a")
    {
        Description = "A .NET assembly (.dll) that declares optimizers of your own with ScratchOptim.Dsl; they join the built-ins " +
            "(one named like a built-in replaces it). Give it several times for several assemblies.",
        HelpName = "DLL",
    };

    /// <summary>The optimizers declared in the assemblies given with <paramref name="option"/>, in order.</summary>
    /// <exception cref="InvalidInputException">An assembly is missing, not a .NET assembly, or declares no optimizers.</exception>
    public static IReadOnlyList<OptimizerEntry> Own(ParseResult parseResult, Option<FileInfo[]> option) =>
        [.. (parseResult.GetValue(option) ?? []).SelectMany(OptimizerAssembly.Load)];
}
