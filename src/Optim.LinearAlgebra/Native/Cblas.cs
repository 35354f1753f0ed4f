using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchOptim.LinearAlgebra.Native;

/// <summary>
/// The CBLAS level-3 products this library calls. Both providers export them under the same names: OpenBLAS in
/// <c>libopenblas.so.0</c>, the reference implementation in Netlib's <c>libblas.so.3</c> (Debian builds its CBLAS into
/// that library). Every call passes pinned pointers and plain integers, so no call allocates or marshals anything.
/// </summary>
internal static unsafe partial class Cblas
{
    /// <summary>The name the imports bind to; <see cref="BlasLoader"/> resolves it to the provider's BLAS library.</summary>
    internal const string LibraryName = "scratchoptim-blas";

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

    /// <summary>Every symbol above: a library that lacks one is rejected at load.</summary>
    internal static readonly string[] Symbols = ["cblas_sgemm", "cblas_dgemm", "cblas_ssyrk", "cblas_dsyrk"];
}
