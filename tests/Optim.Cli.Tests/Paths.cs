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

    /// <summary>A committed PyTorch 1.13 golden case (tests/Goldens/torch1.13, made by tools/reference).</summary>
    public static string Golden(string name) => Path.Combine(Repository, "tests", "Goldens", "torch1.13", name);
}
