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

    private static void ThrowLength(string optimizer, string name, int actual, int expected) =>
        throw new ArgumentException($"{optimizer}: '{name}' has {actual} elements; the parameter has {expected}. Nothing was updated.", name);
}
