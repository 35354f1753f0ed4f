using System;
using System.Collections.Generic;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// <see cref="BlasProvider.Reference"/> was chosen and Netlib's reference BLAS and LAPACK could not be loaded. The
/// message lists what was tried and says what to install: on Debian and Ubuntu the packages <c>libblas3</c> and
/// <c>liblapack3</c>.
/// </summary>
public sealed class ReferenceBlasNotFoundException : DllNotFoundException
{
    /// <summary>The Debian/Ubuntu packages that provide the libraries.</summary>
    public const string DebianPackages = "libblas3 liblapack3";

    internal ReferenceBlasNotFoundException(IReadOnlyList<string> tried)
        : base(
            "ScratchOptim.LinearAlgebra was asked for the reference BLAS and LAPACK " +
            $"({nameof(Blas)}.{nameof(Blas.Provider)} = {nameof(BlasProvider.Reference)}, or {BlasLoader.ProviderVariable}=reference), " +
            $"and no usable pair was found. Tried: {(tried.Count == 0 ? "nothing (they are looked for only in Debian's folders, on Linux)" : string.Join("; ", tried))}. " +
            $"On Debian or Ubuntu install them with 'apt-get install {DebianPackages}'; elsewhere use the default provider, OpenBLAS.")
    {
        Tried = tried;
    }

    /// <summary>Each library path that was tried, with why it was not used.</summary>
    public IReadOnlyList<string> Tried { get; }
}
