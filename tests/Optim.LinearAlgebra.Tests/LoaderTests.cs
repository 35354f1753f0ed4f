using System;
using ScratchOptim.LinearAlgebra.Native;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>
/// Finding and choosing the libraries. This process runs on OpenBLAS; the reference provider is loaded and used in its
/// own test process (tests/Optim.ReferenceBlas.Tests), since a process loads one provider.
/// </summary>
public class LoaderTests
{
    [Fact]
    public void A_missing_library_and_a_library_without_blas_are_rejected_with_the_reason()
    {
        // libm is a real shared library that lacks every BLAS symbol.
        bool loaded = BlasLoader.TryLoad(BlasProvider.OpenBlas, [new("/nonexistent/libopenblas.so.0"), new("libm.so.6")], out var libraries, out var tried);

        Assert.False(loaded);
        Assert.Null(libraries);
        Assert.Equal(["/nonexistent/libopenblas.so.0 (not found)",
            "libm.so.6 (loaded, but it has no 'cblas_sgemm': not an OpenBLAS with LAPACK)"], tried);

        var error = new OpenBlasNotFoundException(tried);
        Assert.Contains("apt-get install libopenblas0-pthread", error.Message);
        Assert.Contains("SCRATCHOPTIM_OPENBLAS", error.Message);
        Assert.Contains("/nonexistent/libopenblas.so.0 (not found)", error.Message);
        Assert.IsAssignableFrom<DllNotFoundException>(error);
    }

    [Fact]
    public void A_reference_pair_with_a_library_missing_or_without_its_symbols_is_rejected_with_the_reason()
    {
        bool loaded = BlasLoader.TryLoad(BlasProvider.Reference,
            [new("/nonexistent/blas/libblas.so.3", "/nonexistent/lapack/liblapack.so.3"), new("libm.so.6", "libm.so.6")],
            out var libraries, out var tried);

        Assert.False(loaded);
        Assert.Null(libraries);
        Assert.Equal(["/nonexistent/blas/libblas.so.3 (not found)",
            "libm.so.6 (loaded, but it has no 'cblas_sgemm': not a BLAS with CBLAS and a LAPACK)"], tried);

        var error = new ReferenceBlasNotFoundException(tried);
        Assert.Contains("apt-get install libblas3 liblapack3", error.Message);
        Assert.Contains("SCRATCHOPTIM_BLAS=reference", error.Message);
        Assert.Contains("/nonexistent/blas/libblas.so.3 (not found)", error.Message);
        Assert.IsAssignableFrom<DllNotFoundException>(error);
    }

    [Fact]
    public void The_reference_libraries_are_looked_for_only_by_path_BLAS_first()
    {
        var candidates = BlasLoader.Candidates(BlasProvider.Reference);
        if (!OperatingSystem.IsLinux())
        {
            Assert.Empty(candidates);
            return;
        }

        var only = Assert.Single(candidates);
        Assert.Matches("^/usr/lib/[a-z0-9_]+-linux-gnu/blas/libblas\\.so\\.3$", only.Blas);
        Assert.Matches("^/usr/lib/[a-z0-9_]+-linux-gnu/lapack/liblapack\\.so\\.3$", only.Lapack);
    }

    [Theory]
    [InlineData(null, BlasProvider.OpenBlas)]
    [InlineData("", BlasProvider.OpenBlas)]
    [InlineData("openblas", BlasProvider.OpenBlas)]
    [InlineData(" OpenBLAS ", BlasProvider.OpenBlas)]
    [InlineData("reference", BlasProvider.Reference)]
    [InlineData("REFERENCE", BlasProvider.Reference)]
    public void The_provider_variable_names_a_provider(string? value, BlasProvider expected) =>
        Assert.Equal(expected, BlasLoader.Parse(value));

    [Fact]
    public void A_provider_variable_that_names_no_provider_says_what_it_may_be()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BlasLoader.Parse("mkl"));
        Assert.Equal("The environment variable SCRATCHOPTIM_BLAS is 'mkl'; it must be 'openblas' (the default) or 'reference' " +
            "(Netlib's reference BLAS and LAPACK).", error.Message);
    }

    [Fact]
    public void The_system_openblas_is_found_and_has_every_symbol()
    {
        Assert.True(BlasLoader.TryLoad(BlasProvider.OpenBlas, BlasLoader.Candidates(BlasProvider.OpenBlas), out var libraries, out var tried), string.Join("; ", tried));
        Assert.Equal(libraries!.Blas, libraries.Lapack);
        System.Runtime.InteropServices.NativeLibrary.Free(libraries.Blas);
    }

    [Fact]
    public void This_process_runs_on_OpenBLAS_and_cannot_switch_once_loaded()
    {
        Assert.StartsWith("OpenBLAS", Blas.Description); // loaded
        Assert.Equal(BlasProvider.OpenBlas, Blas.Provider);
        Blas.Provider = BlasProvider.OpenBlas;
        var error = Assert.Throws<InvalidOperationException>(() => Blas.Provider = BlasProvider.Reference);
        Assert.Contains("has loaded OpenBlas already", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.Provider = (BlasProvider)7);
    }
}
