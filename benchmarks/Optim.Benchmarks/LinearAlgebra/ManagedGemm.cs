using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>
/// The managed candidates for C = A·B (n × n, row-major, C overwritten): the baselines a maintained BLAS has to beat.
/// </summary>
internal static class ManagedGemm
{
    // Cache blocks: a KBlock × JBlock panel of B (256 × 512 floats = 512 KiB, the L2 of this machine's cores) is reused
    // by every row of A; one row segment of C (JBlock elements) stays in L1 while k runs through the block.
    private const int KBlock = 256;
    private const int JBlock = 512;

    /// <summary>
    /// The plain loop: i-k-j order so the innermost loop is a vectorized axpy over a row of B into a row of C
    /// (Vector&lt;T&gt; FMA), blocked over k and j for the caches, rows split across threads. No packing, no register
    /// tiling: what a careful engineer writes in an afternoon, not a BLAS kernel.
    /// </summary>
    public static void BlockedLoop<T>(T[] a, T[] b, T[] c, int n, int threads) where T : unmanaged, INumber<T>
    {
        Array.Clear(c);
        for (int kk = 0; kk < n; kk += KBlock)
        {
            int kEnd = Math.Min(kk + KBlock, n);
            for (int jj = 0; jj < n; jj += JBlock)
            {
                int jEnd = Math.Min(jj + JBlock, n);
                ForRows(n, threads, (rowStart, rowEnd) =>
                {
                    for (int i = rowStart; i < rowEnd; i++)
                    {
                        Span<T> cRow = c.AsSpan(i * n + jj, jEnd - jj);
                        for (int k = kk; k < kEnd; k++)
                        {
                            Axpy(a[i * n + k], b.AsSpan(k * n + jj, jEnd - jj), cRow);
                        }
                    }
                });
            }
        }
    }

    /// <summary>
    /// System.Numerics.Tensors has no matrix product (.NET 10: element-wise Tensor.Multiply only), so the closest
    /// is this: each row of C accumulated with <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    public static void TensorPrimitivesRows(float[] a, float[] b, float[] c, int n, int threads)
    {
        Array.Clear(c);
        ForRows(n, threads, (rowStart, rowEnd) =>
        {
            for (int i = rowStart; i < rowEnd; i++)
            {
                Span<float> cRow = c.AsSpan(i * n, n);
                for (int k = 0; k < n; k++)
                {
                    TensorPrimitives.MultiplyAdd(b.AsSpan(k * n, n), a[i * n + k], cRow, cRow);
                }
            }
        });
    }

    /// <inheritdoc cref="TensorPrimitivesRows(float[], float[], float[], int, int)"/>
    public static void TensorPrimitivesRows(double[] a, double[] b, double[] c, int n, int threads)
    {
        Array.Clear(c);
        ForRows(n, threads, (rowStart, rowEnd) =>
        {
            for (int i = rowStart; i < rowEnd; i++)
            {
                Span<double> cRow = c.AsSpan(i * n, n);
                for (int k = 0; k < n; k++)
                {
                    TensorPrimitives.MultiplyAdd(b.AsSpan(k * n, n), a[i * n + k], cRow, cRow);
                }
            }
        });
    }

    private static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            Axpy(float.CreateTruncating(alpha), MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        }
        else
        {
            Axpy(double.CreateTruncating(alpha), MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        }
    }

    private static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var alphaVector = new Vector<float>(alpha);
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (int v = 0; v < xv.Length; v++)
        {
            yv[v] = Vector.FusedMultiplyAdd(alphaVector, xv[v], yv[v]);
        }

        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
        }
    }

    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        var alphaVector = new Vector<double>(alpha);
        ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
        Span<Vector<double>> yv = MemoryMarshal.Cast<double, Vector<double>>(y);
        for (int v = 0; v < xv.Length; v++)
        {
            yv[v] = Vector.FusedMultiplyAdd(alphaVector, xv[v], yv[v]);
        }

        for (int i = xv.Length * Vector<double>.Count; i < x.Length; i++)
        {
            y[i] = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
        }
    }

    private static void ForRows(int n, int threads, Action<int, int> body)
    {
        if (threads == 1)
        {
            body(0, n);
            return;
        }

        int chunk = (n + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => body(t * chunk, Math.Min(n, (t + 1) * chunk)));
    }
}
