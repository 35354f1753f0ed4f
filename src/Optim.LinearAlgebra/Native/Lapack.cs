using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra.Native;

/// <summary>
/// The Fortran LAPACK routines this library calls (neither Debian's OpenBLAS nor its reference LAPACK is guaranteed to
/// bring LAPACKE, so the Fortran entry points are called directly): in <c>libopenblas.so.0</c>, which bundles LAPACK,
/// or in Netlib's <c>liblapack.so.3</c>.
/// </summary>
/// <remarks>
/// Fortran conventions: every argument by reference, matrices column-major, and — with gfortran, which built both of
/// Debian's libraries — one hidden <c>size_t</c> length per CHARACTER argument after the others. The lengths are
/// passed explicitly: leaving them out is undefined behaviour that newer gfortran versions do trip over.
/// </remarks>
internal static unsafe partial class Lapack
{
    /// <summary>The name the imports bind to; <see cref="BlasLoader"/> resolves it to the provider's LAPACK library.</summary>
    internal const string LibraryName = "scratchoptim-lapack";

    [LibraryImport(LibraryName, EntryPoint = "ssyevd_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Ssyevd(byte* jobz, byte* uplo, int* n, float* a, int* lda, float* w,
        float* work, int* lwork, int* iwork, int* liwork, int* info, nuint jobzLength, nuint uploLength);

    [LibraryImport(LibraryName, EntryPoint = "dsyevd_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Dsyevd(byte* jobz, byte* uplo, int* n, double* a, int* lda, double* w,
        double* work, int* lwork, int* iwork, int* liwork, int* info, nuint jobzLength, nuint uploLength);

    [LibraryImport(LibraryName, EntryPoint = "sgeqrf_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Sgeqrf(int* m, int* n, float* a, int* lda, float* tau, float* work, int* lwork, int* info);

    [LibraryImport(LibraryName, EntryPoint = "dgeqrf_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Dgeqrf(int* m, int* n, double* a, int* lda, double* tau, double* work, int* lwork, int* info);

    [LibraryImport(LibraryName, EntryPoint = "sorgqr_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Sorgqr(int* m, int* n, int* k, float* a, int* lda, float* tau, float* work, int* lwork, int* info);

    [LibraryImport(LibraryName, EntryPoint = "dorgqr_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Dorgqr(int* m, int* n, int* k, double* a, int* lda, double* tau, double* work, int* lwork, int* info);

    /// <summary>LAPACK's version (<c>ILAVER</c>); both providers export it, and only the description reads it.</summary>
    [LibraryImport(LibraryName, EntryPoint = "ilaver_")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Version(int* major, int* minor, int* patch);

    /// <summary>Every symbol above: a library that lacks one (a BLAS without LAPACK, say) is rejected at load.</summary>
    internal static readonly string[] Symbols = ["ssyevd_", "dsyevd_", "sgeqrf_", "dgeqrf_", "sorgqr_", "dorgqr_", "ilaver_"];
}
