using ScratchOptim.LinearAlgebra.Native;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

public class LoaderTests
{
    [Fact]
    public void A_missing_library_and_a_library_without_blas_are_rejected_with_the_reason()
    {
        // libm is a real shared library that lacks every BLAS symbol.
        bool loaded = OpenBlasLoader.TryLoad(["/nonexistent/libopenblas.so.0", "libm.so.6"], out nint handle, out var tried);

        Assert.False(loaded);
        Assert.Equal(0, handle);
        Assert.Equal(["/nonexistent/libopenblas.so.0 (not found)",
            "libm.so.6 (loaded, but it has no 'cblas_sgemm': not an OpenBLAS with LAPACK)"], tried);

        var error = new OpenBlasNotFoundException(tried);
        Assert.Contains("apt-get install libopenblas0-pthread", error.Message);
        Assert.Contains("SCRATCHOPTIM_OPENBLAS", error.Message);
        Assert.Contains("/nonexistent/libopenblas.so.0 (not found)", error.Message);
        Assert.IsAssignableFrom<System.DllNotFoundException>(error);
    }

    [Fact]
    public void The_system_openblas_is_found_and_has_every_symbol()
    {
        Assert.True(OpenBlasLoader.TryLoad(OpenBlasLoader.Candidates(), out nint handle, out var tried), string.Join("; ", tried));
        Assert.NotEqual(0, handle);
        System.Runtime.InteropServices.NativeLibrary.Free(handle);
    }
}
