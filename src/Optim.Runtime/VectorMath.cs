using System.Numerics;
using System.Runtime.CompilerServices;
using ScratchOptim.Simd;

namespace ScratchOptim;

/// <summary>
/// The operations of the generated step loops on 64 bytes of elements at once (see <see cref="ISimd{TSelf}"/>), each
/// rounding exactly as its scalar twin in <see cref="ElementMath"/>; and the lane-wise accumulators of reductions,
/// which the vector body and the scalar tail fill alike.
/// </summary>
public static class VectorMath
{
    /// <summary>Lane-wise <see cref="ElementMath.Fma{T}(T, T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Fma<TVector>(TVector a, TVector b, TVector c)
        where TVector : struct, ISimd<TVector> => TVector.FusedMultiplyAdd(a, b, c);

    /// <summary>Lane-wise <see cref="ElementMath.Sqrt{T}(T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sqrt<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Sqrt(x);

    /// <summary>Lane-wise <see cref="ElementMath.Abs{T}(T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Abs<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Abs(x);

    /// <summary>Lane-wise <see cref="ElementMath.Min{T}(T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Min<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.Min(a, b);

    /// <summary>Lane-wise <see cref="ElementMath.Max{T}(T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Max<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.Max(a, b);

    /// <summary>Lane-wise <see cref="ElementMath.Sign{T}(T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sign<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Sign(x);

    /// <summary>Lane-wise <see cref="ElementMath.Lerp{T}(T, T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Lerp<TVector>(TVector start, TVector end, TVector weight)
        where TVector : struct, ISimd<TVector> => TVector.Lerp(start, end, weight);

    /// <summary>
    /// What <see cref="Lerp{TVector}(TVector, TVector, LerpWeight{TVector})"/> needs of a weight that stays the same over
    /// a loop; the generated loops prepare a step-uniform weight once, before the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LerpWeight<TVector> PrepareLerp<TVector>(TVector weight)
        where TVector : struct, ISimd<TVector> => TVector.PrepareLerp(weight);

    /// <summary>Lane-wise <see cref="ElementMath.Lerp{T}(T, T, T)"/> with a prepared weight: the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Lerp<TVector>(TVector start, TVector end, LerpWeight<TVector> weight)
        where TVector : struct, ISimd<TVector> => TVector.Lerp(start, end, weight);

    /// <summary>Lane-wise <c>1 / x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Reciprocal<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Reciprocal(x);

    /// <summary>Lane-wise <see cref="ElementMath.Exp{T}(T)"/>.</summary>
    public static TVector Exp<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Exp(x);

    /// <summary>Lane-wise <see cref="ElementMath.Log{T}(T)"/>.</summary>
    public static TVector Log<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Log(x);

    /// <summary>Lane-wise <see cref="ElementMath.Cos{T}(T)"/>.</summary>
    public static TVector Cos<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Cos(x);

    /// <summary>Lane-wise <see cref="ElementMath.Sin{T}(T)"/>.</summary>
    public static TVector Sin<TVector>(TVector x)
        where TVector : struct, ISimd<TVector> => TVector.Sin(x);

    /// <summary>Lane-wise <see cref="ElementMath.Pow{T}(T, T)"/>.</summary>
    public static TVector Pow<TVector>(TVector x, TVector y)
        where TVector : struct, ISimd<TVector> => TVector.Pow(x, y);

    /// <summary>A step-uniform condition as a lane mask: every lane or none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Mask<TVector>(bool condition)
        where TVector : struct, ISimd<TVector> => condition ? ~TVector.Zero : TVector.Zero;

    /// <summary>Per lane, <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Select<TVector>(TVector mask, TVector whenTrue, TVector whenFalse)
        where TVector : struct, ISimd<TVector> => TVector.Select(mask, whenTrue, whenFalse);

    /// <summary>The lanes where <paramref name="a"/> &lt; <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Less<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.LessThan(a, b);

    /// <summary>The lanes where <paramref name="a"/> &lt;= <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector LessOrEqual<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.LessThanOrEqual(a, b);

    /// <summary>The lanes where <paramref name="a"/> &gt; <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Greater<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.GreaterThan(a, b);

    /// <summary>The lanes where <paramref name="a"/> &gt;= <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector GreaterOrEqual<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.GreaterThanOrEqual(a, b);

    /// <summary>The lanes where <paramref name="a"/> == <paramref name="b"/> (+0 == -0, NaN equals nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Equal<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => TVector.EqualTo(a, b);

    /// <summary>The lanes where <paramref name="a"/> != <paramref name="b"/> (NaN differs from everything).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector NotEqual<TVector>(TVector a, TVector b)
        where TVector : struct, ISimd<TVector> => ~TVector.EqualTo(a, b);

    /// <summary>
    /// Adds <paramref name="value"/> to lane <paramref name="lane"/> of a reduction's lanes: how the scalar tail
    /// (and a machine without vector hardware) feeds the lanes the vector body fills, so both give the same sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector AddToLane<TVector, T>(TVector lanes, nuint lane, T value)
        where TVector : struct, ISimd<TVector, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => TVector.WithLane(lanes, (int)lane, TVector.GetLane(lanes, (int)lane) + value);

    /// <summary>Raises lane <paramref name="lane"/> of a max-reduction's lanes to <paramref name="value"/> (NaN wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector MaxIntoLane<TVector, T>(TVector lanes, nuint lane, T value)
        where TVector : struct, ISimd<TVector, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => TVector.WithLane(lanes, (int)lane, T.Max(TVector.GetLane(lanes, (int)lane), value));

    /// <summary>The sum of a reduction's lanes in their fixed pairwise order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SumLanes<TVector>(TVector lanes)
        where TVector : struct, ISimd<TVector> => TVector.SumLanes(lanes);

    /// <summary>The largest of a reduction's lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxLanes<TVector>(TVector lanes)
        where TVector : struct, ISimd<TVector> => TVector.MaxLanes(lanes);

}
