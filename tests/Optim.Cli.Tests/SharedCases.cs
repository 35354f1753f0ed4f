using System.IO;
using System.Linq;
using System.Reflection;

namespace ScratchOptim.Cli.Tests;

/// <summary>The shared reference cases beside the repository (../shared/reference/torch).</summary>
internal static class SharedCases
{
    public static string Repository { get; } = typeof(SharedCases).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;

    public static string TorchDirectory => Path.GetFullPath(Path.Combine(Repository, "..", "shared", "reference", "torch"));

    public static string File(string name) => Path.Combine(TorchDirectory, name);
}
