using System;

namespace ScratchOptim;

/// <summary>
/// The tensor as a matrix, for per-row and per-column state: rows are the product of all dimensions but the last,
/// columns the last dimension; a vector is one row, a scalar one row of one column.
/// </summary>
public static class TensorShape
{
    /// <summary>The rows of the matrix view of a tensor of this shape.</summary>
    public static int Rows(ReadOnlySpan<int> shape)
    {
        int rows = 1;
        for (int d = 0; d < shape.Length - 1; d++) rows *= shape[d];
        return rows;
    }

    /// <summary>The columns of the matrix view of a tensor of this shape.</summary>
    public static int Columns(ReadOnlySpan<int> shape) => shape.Length == 0 ? 1 : shape[^1];
}
