using System.Numerics;

namespace ScratchOptim.Simd;

/// <summary>
/// The operations a generated step loop applies to 64 bytes of elements at once. Every implementation holds the same
/// 64 bytes — one 512-bit register, two 256-bit or four 128-bit ones, whichever the hardware has — so lane
/// <c>k</c> holds element <c>k</c> of each 64-byte block on every machine: element-wise results and the partial sums
/// of reductions are the same bits whatever the vector hardware.
/// </summary>
/// <typeparam name="TSelf">The implementing vector type.</typeparam>
public interface ISimd<TSelf> :
    IAdditionOperators<TSelf, TSelf, TSelf>,
    ISubtractionOperators<TSelf, TSelf, TSelf>,
    IMultiplyOperators<TSelf, TSelf, TSelf>,
    IDivisionOperators<TSelf, TSelf, TSelf>,
    IUnaryNegationOperators<TSelf, TSelf>,
    IBitwiseOperators<TSelf, TSelf, TSelf>
    where TSelf : struct, ISimd<TSelf>
{
    /// <summary>Whether the operations run on vector hardware; when false the generated loops use their scalar form only.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>Every lane 0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>Lane-wise <c>a * b + c</c>, rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Lane-wise square root, correctly rounded.</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>Lane-wise IEEE 754 minimum: NaN if either is NaN, -0 below +0.</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>Lane-wise IEEE 754 maximum: NaN if either is NaN, +0 above -0.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>Per lane, <paramref name="whenTrue"/> where every bit of <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>All bits set in the lanes where <c>a &lt; b</c>.</summary>
    static abstract TSelf LessThan(TSelf a, TSelf b);

    /// <summary>All bits set in the lanes where <c>a &lt;= b</c>.</summary>
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);

    /// <summary>All bits set in the lanes where <c>a &gt; b</c>.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);

    /// <summary>All bits set in the lanes where <c>a &gt;= b</c>.</summary>
    static abstract TSelf GreaterThanOrEqual(TSelf a, TSelf b);

    /// <summary>All bits set in the lanes where <c>a == b</c> (+0 == -0; NaN equals nothing).</summary>
    static abstract TSelf EqualTo(TSelf a, TSelf b);

    /// <summary>Lane-wise -1, 0 or +1 by the sign; 0 for ±0 (as <c>torch.sign</c>), NaN for NaN.</summary>
    static abstract TSelf Sign(TSelf x);

    /// <summary>Lane-wise <c>1 / x</c>.</summary>
    static abstract TSelf Reciprocal(TSelf x);

    /// <summary>Lane-wise linear interpolation with ATen's CPU rounding (see <c>ElementMath.Lerp</c>).</summary>
    static virtual TSelf Lerp(TSelf start, TSelf end, TSelf weight) => TSelf.Lerp(start, end, TSelf.PrepareLerp(weight));

    /// <summary>What <see cref="Lerp(TSelf, TSelf, LerpWeight{TSelf})"/> needs of <paramref name="weight"/>, once for many calls.</summary>
    static abstract LerpWeight<TSelf> PrepareLerp(TSelf weight);

    /// <summary><see cref="Lerp(TSelf, TSelf, TSelf)"/> with the weight prepared: the same bits, with one select and one fused multiply-add.</summary>
    static virtual TSelf Lerp(TSelf start, TSelf end, LerpWeight<TSelf> weight) =>
        TSelf.FusedMultiplyAdd(weight.Factor, end - start, TSelf.Select(weight.FromStart, start, end));

    /// <summary>Lane-wise e raised to <paramref name="x"/>, as <c>ElementMath.Exp</c> rounds it.</summary>
    static abstract TSelf Exp(TSelf x);

    /// <summary>Lane-wise natural logarithm, as <c>ElementMath.Log</c> rounds it.</summary>
    static abstract TSelf Log(TSelf x);

    /// <summary>Lane-wise cosine, as <c>ElementMath.Cos</c> rounds it.</summary>
    static abstract TSelf Cos(TSelf x);

    /// <summary>Lane-wise sine, as <c>ElementMath.Sin</c> rounds it.</summary>
    static abstract TSelf Sin(TSelf x);

    /// <summary>Lane-wise <paramref name="x"/> raised to <paramref name="y"/>, as <c>ElementMath.Pow</c> rounds it.</summary>
    static abstract TSelf Pow(TSelf x, TSelf y);

    /// <summary>The sum of the lanes in a fixed pairwise order (lane k + lane k + half, halving), as a double.</summary>
    static abstract double SumLanes(TSelf x);

    /// <summary>The largest lane (NaN if any lane is NaN), as a double.</summary>
    static abstract double MaxLanes(TSelf x);
}

/// <summary>64 bytes of <typeparamref name="T"/> (16 floats or 8 doubles) and how they move to and from memory.</summary>
/// <typeparam name="TSelf">The implementing vector type.</typeparam>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ISimd<TSelf, T> : ISimd<TSelf>
    where TSelf : struct, ISimd<TSelf, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many elements the vector holds: 64 bytes' worth.</summary>
    static abstract int Count { get; }

    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TSelf Create(T value);

    /// <summary>The <see cref="Count"/> elements from <paramref name="index"/> (no bounds check).</summary>
    static abstract TSelf Load(ref T source, nuint index);

    /// <summary>Stores the lanes at <paramref name="index"/> (no bounds check).</summary>
    static abstract void Store(TSelf value, ref T destination, nuint index);

    /// <summary>The value of lane <paramref name="lane"/>.</summary>
    static abstract T GetLane(TSelf vector, int lane);

    /// <summary><paramref name="vector"/> with lane <paramref name="lane"/> replaced by <paramref name="value"/>.</summary>
    static abstract TSelf WithLane(TSelf vector, int lane, T value);

    static TSelf ISimd<TSelf>.Exp(TSelf x) => Map(x, ScratchOptim.ElementMath.Exp);

    static TSelf ISimd<TSelf>.Log(TSelf x) => Map(x, ScratchOptim.ElementMath.Log);

    static TSelf ISimd<TSelf>.Cos(TSelf x) => Map(x, ScratchOptim.ElementMath.Cos);

    static TSelf ISimd<TSelf>.Sin(TSelf x) => Map(x, ScratchOptim.ElementMath.Sin);

    static TSelf ISimd<TSelf>.Pow(TSelf x, TSelf y)
    {
        var result = x;
        for (int lane = 0; lane < TSelf.Count; lane++)
            result = TSelf.WithLane(result, lane, ScratchOptim.ElementMath.Pow(TSelf.GetLane(x, lane), TSelf.GetLane(y, lane)));
        return result;
    }

    static double ISimd<TSelf>.SumLanes(TSelf x)
    {
        // Halving: lane k += lane k + width, for width = Count/2, Count/4, ..., 1.
        for (int width = TSelf.Count / 2; width >= 1; width /= 2)
        {
            for (int lane = 0; lane < width; lane++)
                x = TSelf.WithLane(x, lane, TSelf.GetLane(x, lane) + TSelf.GetLane(x, lane + width));
        }
        return double.CreateTruncating(TSelf.GetLane(x, 0));
    }

    static double ISimd<TSelf>.MaxLanes(TSelf x)
    {
        T max = TSelf.GetLane(x, 0);
        for (int lane = 1; lane < TSelf.Count; lane++) max = T.Max(max, TSelf.GetLane(x, lane));
        return double.CreateTruncating(max);
    }

    private static TSelf Map(TSelf x, System.Func<T, T> function)
    {
        var result = x;
        for (int lane = 0; lane < TSelf.Count; lane++) result = TSelf.WithLane(result, lane, function(TSelf.GetLane(x, lane)));
        return result;
    }
}
