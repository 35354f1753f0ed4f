using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra.Native;

/// <summary>
/// The entry points of OpenBLAS this library calls: CBLAS for the level-3 products, the Fortran LAPACK routines
/// OpenBLAS bundles (Debian's libopenblas.so.0 exports them but not LAPACKE), and OpenBLAS's thread control.
/// Every call passes pinned pointers and plain integers, so no call allocates or marshals anything.
/// </summary>
/// <remarks>
/// Fortran conventions: every argument by reference, matrices column-major, and — with gfortran, which built
/// Debian's OpenBLAS — one hidden <c>size_t</c> length per CHARACTER argument after the others. The lengths are
/// passed explicitly: leaving them out is undefined behaviour that newer gfortran versions do trip over.
/// </remarks>
internal static unsafe partial class OpenBlas
{
    internal const string LibraryName = "scratchoptim-openblas";

    // CBLAS enumerations (cblas.h).
    internal const int RowMajor = 101;
    internal const int NoTrans = 111;
    internal const int Trans = 112;
    internal const int Upper = 121;

    [LibraryImport(LibraryName, EntryPoint = "cblas_sgemm")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Sgemm(int layout, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(LibraryName, EntryPoint = "cblas_dgemm")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Dgemm(int layout, int transA, int transB, int m, int n, int k,
        double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(LibraryName, EntryPoint = "cblas_ssyrk")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Ssyrk(int layout, int uplo, int trans, int n, int k,
        float alpha, float* a, int lda, float beta, float* c, int ldc);

    [LibraryImport(LibraryName, EntryPoint = "cblas_dsyrk")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Dsyrk(int layout, int uplo, int trans, int n, int k,
        double alpha, double* a, int lda, double beta, double* c, int ldc);

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

    [LibraryImport(LibraryName, EntryPoint = "openblas_set_num_threads")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void SetNumThreads(int threads);

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_num_threads")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int GetNumThreads();

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_num_procs")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int GetNumProcs();

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_corename")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* GetCoreName();

    [LibraryImport(LibraryName, EntryPoint = "openblas_get_config")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* GetConfig();

    /// <summary>Every symbol above: a library that lacks one (a BLAS without LAPACK, say) is rejected at load.</summary>
    internal static readonly string[] RequiredSymbols =
    [
        "cblas_sgemm", "cblas_dgemm", "cblas_ssyrk", "cblas_dsyrk", "ssyevd_", "dsyevd_", "sgeqrf_", "dgeqrf_",
        "sorgqr_", "dorgqr_", "openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_num_procs",
        "openblas_get_corename", "openblas_get_config",
    ];
}
