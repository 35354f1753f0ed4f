using System;
using System.Collections.Generic;
using ScratchOptim.Race.Numerics;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// Linear least squares ||Ax − b||² over five unknowns, with A (10×5) and b drawn once from a fixed seed: the
/// convex quadratic behind linear regression. Its minimum is the solution of the normal equations AᵀA·x = Aᵀb,
/// computed here directly, so a race can be judged against the exact answer.
/// </summary>
public sealed class LeastSquares : ILandscape
{
    private const int Rows = 10;
    private const int Columns = 5;
    private const ulong Seed = 20240521;

    private readonly double[,] matrix = new double[Rows, Columns];
    private readonly double[] target = new double[Rows];
    private readonly float[,] matrixAsFloat = new float[Rows, Columns];
    private readonly float[] targetAsFloat = new float[Rows];

    public LeastSquares()
    {
        var random = new SplitMix64(Seed);
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Columns; j++)
            {
                matrix[i, j] = random.NextDouble(-1, 1);
                matrixAsFloat[i, j] = (float)matrix[i, j];
            }
        }
        for (int i = 0; i < Rows; i++)
        {
            target[i] = random.NextDouble(-1, 1);
            targetAsFloat[i] = (float)target[i];
        }
        Minima = [SolveNormalEquations()];
    }

    public string Name => "least-squares";

    public string Formula => "||Ax − b||², A 10×5";

    public int Dimension => Columns;

    public IReadOnlyList<double> DefaultStart { get; } = new double[Columns];

    public int DefaultSteps => 1000;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; }

    /// <summary>A copy of the matrix A.</summary>
    public double[,] Matrix => (double[,])matrix.Clone();

    /// <summary>A copy of the target vector b.</summary>
    public double[] Target => (double[])target.Clone();

    public double Loss(ReadOnlySpan<double> position)
    {
        double loss = 0;
        for (int i = 0; i < Rows; i++)
        {
            double residual = -target[i];
            for (int j = 0; j < Columns; j++) residual += matrix[i, j] * position[j];
            loss += residual * residual;
        }
        return loss;
    }

    /// <summary>2Aᵀ(Ax − b).</summary>
    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        Span<float> residuals = stackalloc float[Rows];
        for (int i = 0; i < Rows; i++)
        {
            float residual = -targetAsFloat[i];
            for (int j = 0; j < Columns; j++) residual += matrixAsFloat[i, j] * position[j];
            residuals[i] = residual;
        }
        for (int j = 0; j < Columns; j++)
        {
            float sum = 0f;
            for (int i = 0; i < Rows; i++) sum += matrixAsFloat[i, j] * residuals[i];
            gradient[j] = 2f * sum;
        }
    }

    private double[] SolveNormalEquations()
    {
        var normal = new double[Columns, Columns];
        var projected = new double[Columns];
        for (int j = 0; j < Columns; j++)
        {
            for (int k = 0; k < Columns; k++)
            {
                for (int i = 0; i < Rows; i++) normal[j, k] += matrix[i, j] * matrix[i, k];
            }
            for (int i = 0; i < Rows; i++) projected[j] += matrix[i, j] * target[i];
        }
        return Cholesky.Solve(normal, projected);
    }
}
