using System;

namespace ScratchOptim.Race.Numerics;

/// <summary>Solves a symmetric positive definite system by Cholesky factorization, in double.</summary>
public static class Cholesky
{
    /// <summary>The x with <paramref name="matrix"/> · x = <paramref name="rightSide"/>.</summary>
    /// <exception cref="ArgumentException">The matrix is not square, or the right side has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The matrix is not positive definite.</exception>
    public static double[] Solve(double[,] matrix, ReadOnlySpan<double> rightSide)
    {
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n || rightSide.Length != n)
            throw new ArgumentException($"Cholesky: a {n}×{matrix.GetLength(1)} matrix with a right side of {rightSide.Length}.");

        // matrix = L·Lᵀ with L lower triangular.
        var lower = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = matrix[i, j];
                for (int k = 0; k < j; k++) sum -= lower[i, k] * lower[j, k];
                if (i == j)
                {
                    if (sum <= 0) throw new InvalidOperationException("Cholesky: the matrix is not positive definite.");
                    lower[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    lower[i, j] = sum / lower[j, j];
                }
            }
        }

        // Forward substitution L·y = b, then back substitution Lᵀ·x = y.
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = rightSide[i];
            for (int k = 0; k < i; k++) sum -= lower[i, k] * y[k];
            y[i] = sum / lower[i, i];
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= lower[k, i] * x[k];
            x[i] = sum / lower[i, i];
        }
        return x;
    }
}
