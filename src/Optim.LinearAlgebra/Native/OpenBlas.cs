using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra.Native;

/// <summary>
/// OpenBLAS's own entry points: its thread control and build description. Only the OpenBLAS provider has them; the
/// reference BLAS is single-threaded and they are never called on it.
/// </summary>
internal static unsafe partial class OpenBlas
{
    /// <summary>The name the imports bind to; <see cref="BlasLoader"/> resolves it to libopenblas.</summary>
    internal const string LibraryName = "scratchoptim-openblas";

    [LibraryImport(LibraryName, EntryPoint = "openblas_set_num_threads")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void SetNumThreads(int threads);

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_num_threads")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int GetNumThreads();

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_corename")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* GetCoreName();

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_config")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* GetConfig();

    /// <summary>Every symbol above, required of an OpenBLAS library.</summary>
    internal static readonly string[] Symbols =
        ["openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_corename", "openblas_get_config"];
}
