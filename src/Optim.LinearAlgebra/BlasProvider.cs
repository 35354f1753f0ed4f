namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// Which BLAS and LAPACK compute this library's operations: chosen once per process, before the first operation, by
/// <see cref="Blas.Provider"/> or the environment variable <c>SCRATCHOPTIM_BLAS</c> (<c>openblas</c> or
/// <c>reference</c>).
/// </summary>
public enum BlasProvider
{
    /// <summary>
    /// OpenBLAS with its bundled LAPACK (Debian/Ubuntu: <c>libopenblas0-pthread</c>): fast and multi-threaded. The default.
    /// </summary>
    OpenBlas,

    /// <summary>
    /// Netlib's reference BLAS and LAPACK (Debian/Ubuntu: <c>libblas3</c>, <c>liblapack3</c>, loaded from their own
    /// folders, <c>/usr/lib/&lt;multiarch&gt;/blas</c> and <c>lapack</c>): slow and single-threaded, but the same
    /// routines in the same summation order on every CPU. A program that ran on them (PyTorch, when they are the system's
    /// libraries) is reproduced here; where a preconditioner's eigenbasis is LAPACK's choice (SOAP's rank-deficient
    /// statistics), only the same library reproduces it.
    /// </summary>
    Reference,
}
