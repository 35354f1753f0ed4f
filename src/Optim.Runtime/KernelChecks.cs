using System;
using System.Runtime.CompilerServices;

namespace ScratchOptim;

/// <summary>Argument checks shared by the generated span kernels; each names the optimizer and the buffer.</summary>
public static class KernelChecks
{
    /// <summary>Throws unless a buffer of <paramref name="actual"/> elements has <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(string optimizer, string name, int actual, int expected)
    {
        if (actual != expected) ThrowLength(optimizer, name, actual, expected);
    }

    /// <summary>Throws unless a shape is valid and holds <paramref name="length"/> elements.</summary>
    public static void Shape(string optimizer, ReadOnlySpan<int> shape, int length)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0 || (count *= dimension) > int.MaxValue)
                throw new ArgumentException($"{optimizer}: shape [{string.Join(", ", shape.ToArray())}] is not a valid shape. Nothing was updated.", nameof(shape));
        }
        if (count != length)
            throw new ArgumentException($"{optimizer}: shape [{string.Join(", ", shape.ToArray())}] holds {count} elements; the parameter has {length}. Nothing was updated.", nameof(shape));
    }

    /// <summary>Throws unless a buffer of <paramref name="actual"/> elements has at least <paramref name="needed"/>.</summary>
    public static void AtLeast(string optimizer, string name, int actual, int needed)
    {
        if (actual < needed)
            throw new ArgumentException($"{optimizer}: '{name}' has {actual} elements; it needs at least {needed}. Nothing was updated.", name);
    }

    /// <summary>
    /// Throws unless a buffer of <paramref name="actual"/> elements holds a <paramref name="side"/> × <paramref name="side"/>
    /// matrix (counted without overflow: the matrix of a large side has more elements than any buffer).
    /// </summary>
    public static void Square(string optimizer, string name, int actual, int side)
    {
        long needed = (long)side * side;
        if (actual != needed)
            throw new ArgumentException($"{optimizer}: '{name}' has {actual} elements; it must hold a {side} × {side} matrix, {needed} elements. Nothing was updated.", name);
    }

    private static void ThrowLength(string optimizer, string name, int actual, int expected) =>
        throw new ArgumentException($"{optimizer}: '{name}' has {actual} elements; the parameter has {expected}. Nothing was updated.", name);
}
