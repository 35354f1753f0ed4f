using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ScratchOptim.LinearAlgebra;

namespace ScratchOptim.ReferenceBlas.Tests;

/// <summary>Chooses the reference BLAS and LAPACK for this test process, before any test runs an operation.</summary>
internal static class ReferenceProvider
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The provider is process-wide and must be chosen before the first operation of any test; this assembly exists to run on it.")]
    internal static void Choose() => Blas.Provider = BlasProvider.Reference;
}
