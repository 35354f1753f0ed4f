using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace ScratchOptim.LinearAlgebra.Native;

/// <summary>
/// Chooses the provider and loads its libraries once, before the first native call, so that a missing library is a
/// typed exception that says what to install instead of the runtime's bare <see cref="DllNotFoundException"/> from
/// deep inside a kernel. The imports of <see cref="Cblas"/>, <see cref="Lapack"/> and <see cref="OpenBlas"/> are
/// resolved to the loaded libraries.
/// </summary>
internal static class BlasLoader
{
    /// <summary>The provider, read once, at the first operation, unless <see cref="Blas.Provider"/> was set first.</summary>
    internal const string ProviderVariable = "SCRATCHOPTIM_BLAS";

    /// <summary>An explicit path to OpenBLAS, tried first.</summary>
    internal const string OpenBlasPathVariable = "SCRATCHOPTIM_OPENBLAS";

    private static readonly Lock Gate = new();
    private static BlasProvider? s_chosen;
    private static Libraries? s_loaded;
    private static DllNotFoundException? s_failure;

    /// <summary>A provider's loaded libraries: one for OpenBLAS (both handles the same), two for the reference.</summary>
    internal sealed record Libraries(BlasProvider Provider, nint Blas, nint Lapack, string Paths);

    /// <summary>A place to load from: a BLAS, and the LAPACK beside it (null: the BLAS library has LAPACK too).</summary>
    internal readonly record struct Candidate(string Blas, string? Lapack = null)
    {
        public override string ToString() => Lapack is null ? Blas : $"{Blas} + {Lapack}";
    }

    /// <summary>The provider loaded, or the one the first operation will load.</summary>
    /// <exception cref="InvalidOperationException"><see cref="ProviderVariable"/> names no provider.</exception>
    internal static BlasProvider Provider
    {
        get
        {
            lock (Gate)
            {
                return s_loaded?.Provider ?? s_chosen ?? FromEnvironment();
            }
        }
    }

    /// <summary>The loaded libraries; loads them on the first call.</summary>
    internal static Libraries Loaded
    {
        get
        {
            EnsureLoaded();
            return s_loaded!;
        }
    }

    /// <summary>Chooses the provider the first operation loads.</summary>
    /// <exception cref="InvalidOperationException">Another provider is loaded already.</exception>
    internal static void Choose(BlasProvider provider)
    {
        if (!Enum.IsDefined(provider))
        {
            throw new ArgumentOutOfRangeException(nameof(provider), provider, "Not a BlasProvider value.");
        }

        lock (Gate)
        {
            if (s_loaded is { } loaded && loaded.Provider != provider)
            {
                throw new InvalidOperationException(
                    $"ScratchOptim.LinearAlgebra has loaded {loaded.Provider} already ({loaded.Paths}); the provider is chosen once per " +
                    $"process, before the first operation (set {nameof(Blas)}.{nameof(Blas.Provider)} first, or {ProviderVariable} " +
                    "before the process starts).");
            }

            if (s_chosen != provider)
            {
                s_failure = null; // a failure to load another provider says nothing about this one
            }

            s_chosen = provider;
        }
    }

    /// <summary>Loads the provider's libraries on the first call; afterwards one field read.</summary>
    internal static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_loaded) is null)
        {
            Load();
        }
    }

    /// <summary>The provider <see cref="ProviderVariable"/> names; OpenBLAS when it is unset or empty.</summary>
    internal static BlasProvider Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "openblas" => BlasProvider.OpenBlas,
        "reference" => BlasProvider.Reference,
        _ => throw new InvalidOperationException(
            $"The environment variable {ProviderVariable} is '{value}'; it must be 'openblas' (the default) or 'reference' " +
            "(Netlib's reference BLAS and LAPACK)."),
    };

    /// <summary>Where each provider is looked for, in order.</summary>
    internal static IReadOnlyList<Candidate> Candidates(BlasProvider provider)
    {
        var candidates = new List<Candidate>();
        string multiarch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        if (provider == BlasProvider.Reference)
        {
            // Debian's reference libraries, by path: on the default search path libblas.so.3 is whichever BLAS the
            // system's alternative points at (OpenBLAS, once installed). The BLAS is loaded first, so that the LAPACK
            // library's own dependency on libblas.so.3 binds to it (the loader matches it by its soname).
            if (OperatingSystem.IsLinux())
            {
                candidates.Add(new($"/usr/lib/{multiarch}/blas/libblas.so.3", $"/usr/lib/{multiarch}/lapack/liblapack.so.3"));
            }

            return candidates;
        }

        if (Environment.GetEnvironmentVariable(OpenBlasPathVariable) is { Length: > 0 } explicitPath)
        {
            candidates.Add(new(explicitPath));
        }

        if (OperatingSystem.IsWindows())
        {
            candidates.AddRange([new("libopenblas.dll"), new("openblas.dll")]);
        }
        else if (OperatingSystem.IsMacOS())
        {
            candidates.AddRange([new("libopenblas.0.dylib"), new("libopenblas.dylib"),
                new("/opt/homebrew/opt/openblas/lib/libopenblas.dylib"), new("/usr/local/opt/openblas/lib/libopenblas.dylib")]);
        }
        else
        {
            // libopenblas.so.0 is on the default search path through Debian's alternatives; the folders are a
            // fallback for a system where the alternative points elsewhere.
            candidates.AddRange([new("libopenblas.so.0"), new("libopenblas.so"),
                new($"/usr/lib/{multiarch}/openblas-pthread/libopenblas.so.0"),
                new($"/usr/lib/{multiarch}/openblas-openmp/libopenblas.so.0"),
                new($"/usr/lib/{multiarch}/openblas-serial/libopenblas.so.0")]);
        }

        return candidates;
    }

    /// <summary>Loads the first candidate whose libraries exist and export every symbol this library calls.</summary>
    /// <param name="provider">What the candidates are: OpenBLAS must also have its thread control.</param>
    /// <param name="candidates">Where to look, in order.</param>
    /// <param name="loaded">The loaded libraries.</param>
    /// <param name="tried">Each candidate rejected, with why.</param>
    internal static bool TryLoad(BlasProvider provider, IEnumerable<Candidate> candidates, out Libraries? loaded, out List<string> tried)
    {
        tried = [];
        string[] blasSymbols = provider == BlasProvider.OpenBlas ? [.. Cblas.Symbols, .. OpenBlas.Symbols] : Cblas.Symbols;
        foreach (var candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate.Blas, out nint blas))
            {
                tried.Add($"{candidate.Blas} (not found)");
                continue;
            }

            if (Missing(blas, blasSymbols) is { } missingInBlas)
            {
                tried.Add($"{candidate.Blas} (loaded, but it has no '{missingInBlas}': {What(provider)})");
                NativeLibrary.Free(blas);
                continue;
            }

            nint lapack = blas;
            if (candidate.Lapack is { } lapackPath)
            {
                if (!NativeLibrary.TryLoad(lapackPath, out lapack))
                {
                    tried.Add($"{lapackPath} (not found)");
                    NativeLibrary.Free(blas);
                    continue;
                }
            }

            if (Missing(lapack, Lapack.Symbols) is { } missingInLapack)
            {
                tried.Add($"{candidate.Lapack ?? candidate.Blas} (loaded, but it has no '{missingInLapack}': {What(provider)})");
                if (lapack != blas)
                {
                    NativeLibrary.Free(lapack);
                }

                NativeLibrary.Free(blas);
                continue;
            }

            loaded = new Libraries(provider, blas, lapack, candidate.ToString());
            return true;
        }

        loaded = null;
        return false;
    }

    private static BlasProvider FromEnvironment() => Parse(Environment.GetEnvironmentVariable(ProviderVariable));

    private static string? Missing(nint library, string[] symbols) =>
        Array.Find(symbols, symbol => !NativeLibrary.TryGetExport(library, symbol, out _));

    private static string What(BlasProvider provider) =>
        provider == BlasProvider.OpenBlas ? "not an OpenBLAS with LAPACK" : "not a BLAS with CBLAS and a LAPACK";

    private static void Load()
    {
        lock (Gate)
        {
            if (s_loaded is not null)
            {
                return;
            }

            // A failure is final for the provider: the same search would fail again, at the same cost.
            if (s_failure is not null)
            {
                throw s_failure;
            }

            BlasProvider provider = s_chosen ?? FromEnvironment();
            if (TryLoad(provider, Candidates(provider), out var loaded, out var tried))
            {
                NativeLibrary.SetDllImportResolver(typeof(BlasLoader).Assembly, Resolve);
                Volatile.Write(ref s_loaded, loaded);
                return;
            }

            s_failure = provider == BlasProvider.OpenBlas
                ? new OpenBlasNotFoundException(tried)
                : new ReferenceBlasNotFoundException(tried);
            throw s_failure;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        s_loaded is not { } loaded ? 0 : libraryName switch
        {
            Cblas.LibraryName => loaded.Blas,
            Lapack.LibraryName => loaded.Lapack,
            OpenBlas.LibraryName when loaded.Provider == BlasProvider.OpenBlas => loaded.Blas,
            _ => 0,
        };
}
