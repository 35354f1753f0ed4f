using System;

namespace ScratchOptim.LinearAlgebra;

/// <summary>Argument checks shared by every operation: each says which argument is wrong and by how much.</summary>
internal static class MatrixChecks
{
    internal static void Dimension(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"The dimension '{name}' must be non-negative.");
        }
    }

    /// <summary>
    /// A row-major matrix of <paramref name="rows"/> × <paramref name="cols"/> with row stride
    /// <paramref name="ld"/> fits in a span of <paramref name="length"/> elements.
    /// </summary>
    internal static void Matrix(int length, int rows, int cols, int ld, string name, string ldName)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"The row stride of '{name}' must be at least max(1, {cols}) (its number of columns as stored).");
        }

        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"'{name}' has {length} elements, but a {rows}×{cols} matrix with row stride {ld} needs {needed}.", name);
        }
    }

    /// <summary>A contiguous row-major matrix: exactly <paramref name="rows"/> × <paramref name="cols"/> elements.</summary>
    internal static void Exact(int length, int rows, int cols, string name)
    {
        long needed = (long)rows * cols;
        if (length != needed)
        {
            throw new ArgumentException($"'{name}' has {length} elements, but a {rows}×{cols} matrix has {needed}.", name);
        }
    }

    internal static void Distinct<T>(ReadOnlySpan<T> input, Span<T> output, string inputName, string outputName)
    {
        if (input.Overlaps(output))
        {
            throw new ArgumentException($"'{outputName}' overlaps '{inputName}'; the output must be a separate buffer.", outputName);
        }
    }
}
