using System.IO;
using System.Linq;
using System.Reflection;

namespace ScratchOptim.Cli.Tests;

/// <summary>Where the repository and its test data are, baked in at build time.</summary>
internal static class Paths
{
    public static string Repository { get; } = typeof(Paths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;

    /// <summary>A committed PyTorch golden case (tests/Goldens/torch, made by tools/reference).</summary>
    public static string Golden(string name) => Path.Combine(Repository, "tests", "Goldens", "torch", name);

    /// <summary>The shared PyTorch 1.13 reference cases beside the repository (../shared/reference/torch), when present.</summary>
    public static string SharedTorch => Path.GetFullPath(Path.Combine(Repository, "..", "shared", "reference", "torch"));
}
