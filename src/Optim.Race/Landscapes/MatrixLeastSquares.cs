using System;
using System.Collections.Generic;
using ScratchOptim.Race.Numerics;

namespace ScratchOptim.Race.Landscapes;

/// <summary>
/// Linear least squares with a matrix unknown, ||AX − B||²_F over X (4×3), with A (8×4) and B (8×3) drawn once from
/// a fixed seed: three least-squares problems that share A, solved together, as a linear layer's weights are. The
/// position is X, so the racers get a 4 × 3 parameter and the matrix optimizers (Muon, SOAP, Adafactor's factored
/// moments) do their matrix work on it. A position lists X row by row. The minimum solves the normal equations
/// AᵀA·X = AᵀB, computed here directly (a column of X at a time), so a race is judged against the exact answer.
/// </summary>
public sealed class MatrixLeastSquares : ILandscape
{
    private const int Equations = 8;
    private const int Rows = 4;
    private const int Columns = 3;
    private const ulong Seed = 20241203;

    private readonly double[,] matrix = new double[Equations, Rows];
    private readonly double[,] target = new double[Equations, Columns];
    private readonly float[,] matrixAsFloat = new float[Equations, Rows];
    private readonly float[,] targetAsFloat = new float[Equations, Columns];

    public MatrixLeastSquares()
    {
        var random = new SplitMix64(Seed);
        for (int i = 0; i < Equations; i++)
        {
            for (int j = 0; j < Rows; j++)
            {
                matrix[i, j] = random.NextDouble(-1, 1);
                matrixAsFloat[i, j] = (float)matrix[i, j];
            }
        }
        for (int i = 0; i < Equations; i++)
        {
            for (int c = 0; c < Columns; c++)
            {
                target[i, c] = random.NextDouble(-1, 1);
                targetAsFloat[i, c] = (float)target[i, c];
            }
        }
        Minima = [SolveNormalEquations()];
    }

    public string Name => "matrix-least-squares";

    public string Formula => "||AX − B||²_F, A 8×4, X 4×3";

    public int Dimension => Rows * Columns;

    public IReadOnlyList<int> Shape { get; } = [Rows, Columns];

    public IReadOnlyList<double> DefaultStart { get; } = new double[Rows * Columns];

    public int DefaultSteps => 1000;

    public IReadOnlyList<IReadOnlyList<double>> Minima { get; }

    /// <summary>A copy of the matrix A.</summary>
    public double[,] Matrix => (double[,])matrix.Clone();

    /// <summary>A copy of the target matrix B.</summary>
    public double[,] Target => (double[,])target.Clone();

    public double Loss(ReadOnlySpan<double> position)
    {
        double loss = 0;
        for (int i = 0; i < Equations; i++)
        {
            for (int c = 0; c < Columns; c++)
            {
                double residual = -target[i, c];
                for (int j = 0; j < Rows; j++) residual += matrix[i, j] * position[j * Columns + c];
                loss += residual * residual;
            }
        }
        return loss;
    }

    /// <summary>2Aᵀ(AX − B), row by row.</summary>
    public void Gradient(ReadOnlySpan<float> position, Span<float> gradient)
    {
        Span<float> residuals = stackalloc float[Equations * Columns];
        for (int i = 0; i < Equations; i++)
        {
            for (int c = 0; c < Columns; c++)
            {
                float residual = -targetAsFloat[i, c];
                for (int j = 0; j < Rows; j++) residual += matrixAsFloat[i, j] * position[j * Columns + c];
                residuals[i * Columns + c] = residual;
            }
        }
        for (int j = 0; j < Rows; j++)
        {
            for (int c = 0; c < Columns; c++)
            {
                float sum = 0f;
                for (int i = 0; i < Equations; i++) sum += matrixAsFloat[i, j] * residuals[i * Columns + c];
                gradient[j * Columns + c] = 2f * sum;
            }
        }
    }

    /// <summary>X = (AᵀA)⁻¹AᵀB, one column of B at a time, laid out row by row.</summary>
    private double[] SolveNormalEquations()
    {
        var normal = new double[Rows, Rows];
        for (int j = 0; j < Rows; j++)
            for (int k = 0; k < Rows; k++)
                for (int i = 0; i < Equations; i++) normal[j, k] += matrix[i, j] * matrix[i, k];

        var solution = new double[Rows * Columns];
        var projected = new double[Rows];
        for (int c = 0; c < Columns; c++)
        {
            for (int j = 0; j < Rows; j++)
            {
                projected[j] = 0;
                for (int i = 0; i < Equations; i++) projected[j] += matrix[i, j] * target[i, c];
            }
            var column = Cholesky.Solve(normal, projected);
            for (int j = 0; j < Rows; j++) solution[j * Columns + c] = column[j];
        }
        return solution;
    }
}
