using System;
using System.Runtime.InteropServices;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>
/// Debian's OpenMP build of OpenBLAS (libopenblas0-openmp), loaded by path beside the pthread build the library
/// uses, so the two threading back ends can be compared in one run. Only loaded in the benchmarks that call it.
/// </summary>
internal sealed unsafe class OpenBlasOpenMp
{
    public const string Path = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0";

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> _dgemm;

    public OpenBlasOpenMp(int threads)
    {
        nint handle = NativeLibrary.Load(Path);
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(handle, "cblas_sgemm");
        _dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)NativeLibrary.GetExport(handle, "cblas_dgemm");
        var setThreads = (delegate* unmanaged[Cdecl]<int, void>)NativeLibrary.GetExport(handle, "openblas_set_num_threads");
        setThreads(threads);
    }

    public void Multiply(float[] a, float[] b, float[] c, int n)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            _sgemm(101, 111, 111, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
        }
    }

    public void Multiply(double[] a, double[] b, double[] c, int n)
    {
        fixed (double* pa = a, pb = b, pc = c)
        {
            _dgemm(101, 111, 111, n, n, n, 1.0, pa, n, pb, n, 0.0, pc, n);
        }
    }
}
