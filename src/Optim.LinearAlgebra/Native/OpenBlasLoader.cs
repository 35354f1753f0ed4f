using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace ScratchOptim.LinearAlgebra.Native;

/// <summary>
/// Finds and loads OpenBLAS once, before the first native call, so that a missing library is a
/// <see cref="OpenBlasNotFoundException"/> that says what to install instead of the runtime's bare
/// <see cref="DllNotFoundException"/> from deep inside a kernel.
/// </summary>
internal static class OpenBlasLoader
{
    /// <summary>An explicit path to the library, tried first.</summary>
    internal const string PathVariable = "SCRATCHOPTIM_OPENBLAS";

    private static readonly Lock Gate = new();
    private static nint s_handle;
    private static OpenBlasNotFoundException? s_failure;

    /// <summary>Loads the library on the first call; afterwards one field read.</summary>
    internal static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_handle) == 0)
        {
            Load();
        }
    }

    /// <summary>The names tried, in order: the explicit path, the system's default search, Debian's folders.</summary>
    internal static IReadOnlyList<string> Candidates()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
        {
            candidates.Add(explicitPath);
        }

        if (OperatingSystem.IsWindows())
        {
            candidates.AddRange(["libopenblas.dll", "openblas.dll"]);
        }
        else if (OperatingSystem.IsMacOS())
        {
            candidates.AddRange(["libopenblas.0.dylib", "libopenblas.dylib",
                "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"]);
        }
        else
        {
            // libopenblas.so.0 is on the default search path through Debian's alternatives; the folders are a
            // fallback for a system where the alternative points elsewhere.
            string multiarch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            candidates.AddRange(["libopenblas.so.0", "libopenblas.so",
                $"/usr/lib/{multiarch}/openblas-pthread/libopenblas.so.0",
                $"/usr/lib/{multiarch}/openblas-openmp/libopenblas.so.0",
                $"/usr/lib/{multiarch}/openblas-serial/libopenblas.so.0"]);
        }

        return candidates;
    }

    private static void Load()
    {
        lock (Gate)
        {
            if (s_handle != 0)
            {
                return;
            }

            // A failure is final for the process: the same search would fail again, at the same cost.
            if (s_failure is not null)
            {
                throw s_failure;
            }

            if (TryLoad(Candidates(), out nint handle, out List<string> tried))
            {
                NativeLibrary.SetDllImportResolver(typeof(OpenBlasLoader).Assembly, Resolve);
                Volatile.Write(ref s_handle, handle);
                return;
            }

            s_failure = new OpenBlasNotFoundException(tried);
            throw s_failure;
        }
    }

    /// <summary>Loads the first candidate that exists and exports every symbol this library calls.</summary>
    /// <param name="candidates">Library names or paths, in order.</param>
    /// <param name="handle">The loaded library.</param>
    /// <param name="tried">Each candidate rejected, with why.</param>
    internal static bool TryLoad(IEnumerable<string> candidates, out nint handle, out List<string> tried)
    {
        tried = [];
        foreach (string candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out handle))
            {
                tried.Add($"{candidate} (not found)");
                continue;
            }

            nint loaded = handle;
            string? missing = Array.Find(OpenBlas.RequiredSymbols, symbol => !NativeLibrary.TryGetExport(loaded, symbol, out _));
            if (missing is null)
            {
                return true;
            }

            tried.Add($"{candidate} (loaded, but it has no '{missing}': not an OpenBLAS with LAPACK)");
            NativeLibrary.Free(handle);
        }

        handle = 0;
        return false;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == OpenBlas.LibraryName ? s_handle : 0;
}
