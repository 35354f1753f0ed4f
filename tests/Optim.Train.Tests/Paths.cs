using System.IO;
using System.Linq;
using System.Reflection;

namespace ScratchOptim.Train.Tests;

/// <summary>Where the repository is, baked in at build time.</summary>
internal static class Paths
{
    public static string Repository { get; } =
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The committed copy of scikit-learn's digits that the assembly embeds.</summary>
    public static string DigitsFile => Path.Combine(Repository, "src", "Optim.Train", "Data", "Digits", "digits.csv.gz");
}
