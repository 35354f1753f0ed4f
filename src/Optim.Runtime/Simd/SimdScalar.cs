using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchOptim.Simd;

/// <summary>
/// 64 bytes of <typeparamref name="T"/> that the generated loops never compute on: it reports no vector hardware, so
/// every element runs through the loops' scalar form, and only a reduction's lanes are kept in it (as the scalar tail
/// keeps them for the vector types). Choosing it checks that the scalar form gives the vector body's bits, and shows
/// what the vectors are worth.
/// </summary>
public readonly struct SimdScalar<T> : ISimd<SimdScalar<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // The lanes in four 128-bit vectors, which run in software where the hardware has none.
    private readonly Simd128x4<T> lanes;

    private SimdScalar(Simd128x4<T> lanes) => this.lanes = lanes;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => false;

    /// <inheritdoc/>
    public static int Count => Simd128x4<T>.Count;

    /// <inheritdoc/>
    public static SimdScalar<T> Zero => default;

    /// <inheritdoc/>
    public static SimdScalar<T> Create(T value) => new(Simd128x4<T>.Create(value));

    /// <inheritdoc/>
    public static SimdScalar<T> Load(ref T source, nuint index) => new(Simd128x4<T>.Load(ref source, index));

    /// <inheritdoc/>
    public static void Store(SimdScalar<T> value, ref T destination, nuint index) => Simd128x4<T>.Store(value.lanes, ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GetLane(SimdScalar<T> vector, int lane) => Simd128x4<T>.GetLane(vector.lanes, lane);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> WithLane(SimdScalar<T> vector, int lane, T value) => new(Simd128x4<T>.WithLane(vector.lanes, lane, value));

    /// <inheritdoc/>
    public static SimdScalar<T> FusedMultiplyAdd(SimdScalar<T> a, SimdScalar<T> b, SimdScalar<T> c) => new(Simd128x4<T>.FusedMultiplyAdd(a.lanes, b.lanes, c.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Sqrt(SimdScalar<T> x) => new(Simd128x4<T>.Sqrt(x.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Abs(SimdScalar<T> x) => new(Simd128x4<T>.Abs(x.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Min(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.Min(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Max(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.Max(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Select(SimdScalar<T> mask, SimdScalar<T> whenTrue, SimdScalar<T> whenFalse) => new(Simd128x4<T>.Select(mask.lanes, whenTrue.lanes, whenFalse.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> LessThan(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.LessThan(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> LessThanOrEqual(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.LessThanOrEqual(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> GreaterThan(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.GreaterThan(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> GreaterThanOrEqual(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.GreaterThanOrEqual(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> EqualTo(SimdScalar<T> a, SimdScalar<T> b) => new(Simd128x4<T>.EqualTo(a.lanes, b.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Sign(SimdScalar<T> x) => new(Simd128x4<T>.Sign(x.lanes));

    /// <inheritdoc/>
    public static SimdScalar<T> Reciprocal(SimdScalar<T> x) => new(Simd128x4<T>.Reciprocal(x.lanes));

    /// <inheritdoc/>
    public static LerpWeight<SimdScalar<T>> PrepareLerp(SimdScalar<T> weight)
    {
        var prepared = Simd128x4<T>.PrepareLerp(weight.lanes);
        return new(new(prepared.FromStart), new(prepared.Factor));
    }

    /// <inheritdoc/>
    public static SimdScalar<T> operator +(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes + right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator -(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes - right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator *(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes * right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator /(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes / right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator -(SimdScalar<T> value) => new(-value.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator &(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes & right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator |(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes | right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator ^(SimdScalar<T> left, SimdScalar<T> right) => new(left.lanes ^ right.lanes);

    /// <inheritdoc/>
    public static SimdScalar<T> operator ~(SimdScalar<T> value) => new(~value.lanes);
}
