using System;
using System.Numerics;

namespace ScratchOptim.LinearAlgebra;

/// <summary>The element types the LAPACK wrappers take: float or double, chosen when the generic type is closed.</summary>
internal static class Precision<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>"s" or "d", LAPACK's prefix; the JIT folds every test on it.</summary>
    internal static readonly string Prefix = typeof(T) == typeof(float) ? "s"
        : typeof(T) == typeof(double) ? "d"
        : throw new NotSupportedException($"Only float and double are supported, not {typeof(T).Name}.");
}
