using System;
using System.Buffers;

namespace ScratchOptim;

/// <summary>
/// The partial sums of a span kernel's reductions (one set per block of elements, see <see cref="Reductions"/>), in
/// an array rented from <see cref="ArrayPool{T}.Shared"/>: the generated <c>Apply</c> methods allocate nothing once
/// the pool holds an array that long. Dispose returns it.
/// </summary>
public ref struct PartialSums
{
    private double[]? rented;

    /// <summary>The partial sums.</summary>
    public Span<double> Span { get; private set; }

    /// <summary>Rents room for <paramref name="count"/> partial sums.</summary>
    public static PartialSums Rent(int count)
    {
        var array = ArrayPool<double>.Shared.Rent(count);
        return new PartialSums { rented = array, Span = array.AsSpan(0, count) };
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        if (rented is null) return;
        ArrayPool<double>.Shared.Return(rented);
        rented = null;
        Span = default;
    }
}
