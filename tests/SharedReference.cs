using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ScratchOptim.Testing;

/// <summary>
/// The shared reference cases beside the repository (../shared/reference): an extra check where the team works and on
/// CI, absent from a fresh clone. Tests that read them are marked <c>[Trait("Category", "SharedReference")]</c> and use
/// <see cref="SharedReferenceFactAttribute"/> or <see cref="SharedReferenceTheoryAttribute"/>, so without the folder
/// they are reported as skipped, with the reason, and the rest of the suite, on the repository's own data, still runs.
/// Compiled into each test project that needs it (a linked file).
/// </summary>
internal static class SharedReference
{
    /// <summary>The trait value of the tests that read ../shared/reference: <c>dotnet test --filter Category=SharedReference</c>.</summary>
    public const string Category = "SharedReference";

    /// <summary>../shared/reference, from the repository root the test project was built in.</summary>
    public static string Directory { get; } = Path.GetFullPath(Path.Combine(
        typeof(SharedReference).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "..", "shared", "reference"));

    /// <summary>Why a shared reference check does not run, or null when the folder is there.</summary>
    public static string? SkipReason =>
        System.IO.Directory.Exists(Directory)
            ? null
            : $"shared reference check not run: {Directory} is not beside the repository (optional; CI has it)";
}

/// <summary>A fact over ../shared/reference; skipped, saying why, when the folder is not there.</summary>
internal sealed class SharedReferenceFactAttribute : FactAttribute
{
    public SharedReferenceFactAttribute() => Skip = SharedReference.SkipReason;
}

/// <summary>A theory over ../shared/reference; skipped, saying why, when the folder is not there (its data would be empty).</summary>
internal sealed class SharedReferenceTheoryAttribute : TheoryAttribute
{
    public SharedReferenceTheoryAttribute() => Skip = SharedReference.SkipReason;
}
