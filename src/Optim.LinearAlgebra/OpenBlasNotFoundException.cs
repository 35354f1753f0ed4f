using System;
using System.Collections.Generic;
using ScratchOptim.LinearAlgebra.Native;

namespace ScratchOptim.LinearAlgebra;

/// <summary>
/// OpenBLAS, which every operation of this library calls unless another <see cref="BlasProvider"/> is chosen, could not be loaded. The message lists what was tried
/// and says what to install: on Debian and Ubuntu the package <c>libopenblas0-pthread</c>.
/// </summary>
public sealed class OpenBlasNotFoundException : DllNotFoundException
{
    /// <summary>The Debian/Ubuntu package that provides the library.</summary>
    public const string DebianPackage = "libopenblas0-pthread";

    internal OpenBlasNotFoundException(IReadOnlyList<string> tried)
        : base(
            "ScratchOptim.LinearAlgebra needs OpenBLAS (with its bundled LAPACK), and no usable library was found. " +
            $"Tried: {string.Join("; ", tried)}. " +
            $"On Debian or Ubuntu install it with 'apt-get install {DebianPackage}'; on Fedora 'dnf install openblas'; " +
            "on macOS 'brew install openblas'. " +
            $"Or set {BlasLoader.OpenBlasPathVariable} to the full path of the library.")
    {
        Tried = tried;
    }

    /// <summary>Each library name or path that was tried, with why it was not used.</summary>
    public IReadOnlyList<string> Tried { get; }
}
