using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>
/// Independent references: plain double-precision loops, written for clarity and never calling the library, and
/// the error bounds the tests derive from the sizes.
/// </summary>
internal static class Reference
{
    public static string Repository { get; } = typeof(Reference).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Goldens => Path.Combine(Repository, "tests", "Goldens", "linalg");

    /// <summary>The shared reference cases beside the repository (../shared/reference), when present.</summary>
    public static string SharedReference => Path.GetFullPath(Path.Combine(Repository, "..", "shared", "reference"));

    /// <summary>Unit roundoff of float32 and float64.</summary>
    public const double FloatRoundoff = 1.0 / (1 << 24);
    public const double DoubleRoundoff = 1.0 / (1L << 53);

    /// <summary>Element (i, j) of a row-major matrix stored as op(X) or its transpose, with row stride ld.</summary>
    public static double At(double[] x, bool transposed, int ld, int i, int j) => transposed ? x[j * ld + i] : x[i * ld + j];

    /// <summary>
    /// C = α·op(A)·op(B) + β·C in double, and beside it the bound α·|op(A)|·|op(B)| + |β·C| that scales the
    /// rounding error of any summation order: |computed − exact| ≤ γ(k + 2)·bound (Higham, Accuracy and Stability, §3.5).
    /// </summary>
    public static (double[] Value, double[] Magnitude) Gemm(bool ta, bool tb, int m, int n, int k, double alpha,
        double[] a, int lda, double[] b, int ldb, double beta, double[] c, int ldc)
    {
        var value = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int l = 0; l < k; l++)
                {
                    double p = At(a, ta, lda, i, l) * At(b, tb, ldb, l, j);
                    sum += p;
                    abs += Math.Abs(p);
                }

                double old = beta == 0 ? 0 : beta * c[i * ldc + j];
                value[i * n + j] = alpha * sum + old;
                magnitude[i * n + j] = Math.Abs(alpha) * abs + Math.Abs(old);
            }
        }

        return (value, magnitude);
    }

    public static double[] Random(Random random, int count, double scale = 1)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = scale * (2 * random.NextDouble() - 1);
        }

        return values;
    }

    public static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    public static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();

    /// <summary>Random symmetric n × n matrix (double), full storage.</summary>
    public static double[] RandomSymmetric(Random random, int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                a[i * n + j] = a[j * n + i] = 2 * random.NextDouble() - 1;
            }
        }

        return a;
    }

    /// <summary>
    /// Eigenvalues of a symmetric matrix by the cyclic Jacobi method in double, sorted ascending: slow, simple,
    /// and unrelated to LAPACK's divide and conquer.
    /// </summary>
    public static double[] JacobiEigenvalues(double[] symmetric, int n)
    {
        var a = (double[])symmetric.Clone();
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    off += a[p * n + q] * a[p * n + q];
                }
            }

            if (off < 1e-30)
            {
                break;
            }

            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0)
                    {
                        continue;
                    }

                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double cos = 1 / Math.Sqrt(t * t + 1), sin = t * cos;
                    for (int r = 0; r < n; r++)
                    {
                        double arp = a[r * n + p], arq = a[r * n + q];
                        a[r * n + p] = cos * arp - sin * arq;
                        a[r * n + q] = sin * arp + cos * arq;
                    }

                    for (int r = 0; r < n; r++)
                    {
                        double apr = a[p * n + r], aqr = a[q * n + r];
                        a[p * n + r] = cos * apr - sin * aqr;
                        a[q * n + r] = sin * apr + cos * aqr;
                    }
                }
            }
        }

        return Enumerable.Range(0, n).Select(i => a[i * n + i]).Order().ToArray();
    }

    /// <summary>Q (m × min(m, n)) of A by modified Gram–Schmidt in double, R's diagonal positive.</summary>
    public static double[] GramSchmidtQ(double[] a, int m, int n)
    {
        int k = Math.Min(m, n);
        var q = new double[m * k];
        for (int j = 0; j < k; j++)
        {
            var v = new double[m];
            for (int i = 0; i < m; i++)
            {
                v[i] = a[i * n + j];
            }

            for (int p = 0; p < j; p++)
            {
                double dot = 0;
                for (int i = 0; i < m; i++)
                {
                    dot += q[i * k + p] * v[i];
                }

                for (int i = 0; i < m; i++)
                {
                    v[i] -= dot * q[i * k + p];
                }
            }

            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < m; i++)
            {
                q[i * k + j] = v[i] / norm;
            }
        }

        return q;
    }
}
