using System;
using System.Collections.Generic;

namespace ScratchOptim.Training;

/// <summary>One tensor of a safetensors file: its name, element type, shape and where its bytes are.</summary>
/// <param name="Name">The tensor's name (its key in the header).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions, outermost first (empty for a scalar).</param>
/// <param name="Begin">The offset of its first byte in the data section.</param>
/// <param name="End">The offset after its last byte in the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>The number of elements.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long dimension in Shape) count *= dimension;
            return count;
        }
    }

    /// <summary>The number of bytes.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The shape as text, e.g. <c>[2, 3]</c>.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
