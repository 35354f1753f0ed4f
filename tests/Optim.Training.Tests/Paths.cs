using System.IO;
using System.Linq;
using System.Reflection;

namespace ScratchOptim.Training.Tests;

/// <summary>Where the repository, its test data and the crash test's child program are, baked in at build time.</summary>
internal static class Paths
{
    public static string Repository { get; } = Metadata("RepositoryRoot");

    /// <summary>The child program of the crash test (tests/Optim.Training.SaveLoop).</summary>
    public static string SaveLoop { get; } = Metadata("SaveLoop");

    /// <summary>The project's own training goldens (tools/reference/make_training_goldens.py).</summary>
    public static string Goldens => Path.Combine(Repository, "tests", "Goldens", "training");

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
