using System.IO;
using System.Linq;
using System.Reflection;

namespace ScratchOptim.Tests;

/// <summary>Where the repository and its test data are, baked in at build time.</summary>
internal static class Paths
{
    public static string Repository { get; } = typeof(Paths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Goldens => Path.Combine(Repository, "tests", "Goldens");
}
