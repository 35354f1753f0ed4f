using System;
using System.Linq;

namespace ScratchOptim.Race.Numerics;

/// <summary>Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations, in double.</summary>
public static class SymmetricEigen
{
    /// <summary>
    /// The eigenvalues of <paramref name="matrix"/>, largest first, and the unit eigenvectors as the matching rows of
    /// the second array. Each vector's largest component is made positive, so the result does not depend on rounding.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is not square.</exception>
    public static (double[] Values, double[][] Vectors) Decompose(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) throw new ArgumentException($"SymmetricEigen: a {n}×{matrix.GetLength(1)} matrix.", nameof(matrix));
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double offDiagonal = 0, diagonal = 0;
            for (int i = 0; i < n; i++)
            {
                diagonal += a[i, i] * a[i, i];
                for (int j = i + 1; j < n; j++) offDiagonal += a[i, j] * a[i, j];
            }
            if (offDiagonal <= 1e-30 * Math.Max(diagonal, double.Epsilon)) break;

            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0) continue;
                    // The rotation by θ with tan 2θ = 2a_pq / (a_qq − a_pp) zeroes a_pq.
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
        }

        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i, i]).ToArray();
        var values = order.Select(i => a[i, i]).ToArray();
        var vectors = order.Select(i =>
        {
            var vector = Enumerable.Range(0, n).Select(k => v[k, i]).ToArray();
            double largest = vector.MaxBy(Math.Abs);
            return largest < 0 ? Array.ConvertAll(vector, x => -x) : vector;
        }).ToArray();
        return (values, vectors);
    }
}
