using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchOptim.Simd;

/// <summary>64 bytes of <typeparamref name="T"/> in four 128-bit registers (SSE, Arm NEON, WebAssembly SIMD).</summary>
public readonly struct Simd128x4<T> : ISimd<Simd128x4<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Lanes 0 .. Vector128<T>.Count - 1 are in p0, the next ones in p1, and so on: the order of the elements in memory.
    private readonly Vector128<T> p0, p1, p2, p3;

    private Simd128x4(Vector128<T> p0, Vector128<T> p1, Vector128<T> p2, Vector128<T> p3)
    {
        (this.p0, this.p1, this.p2, this.p3) = (p0, p1, p2, p3);
    }

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static int Count => 4 * Vector128<T>.Count;

    /// <inheritdoc/>
    public static Simd128x4<T> Zero => default;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Create(T value)
    {
        var part = Vector128.Create(value);
        return new(part, part, part, part);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Load(ref T source, nuint index) =>
        new(Vector128.LoadUnsafe(ref source, index), Vector128.LoadUnsafe(ref source, index + (nuint)Vector128<T>.Count), Vector128.LoadUnsafe(ref source, index + 2 * (nuint)Vector128<T>.Count), Vector128.LoadUnsafe(ref source, index + 3 * (nuint)Vector128<T>.Count));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128x4<T> value, ref T destination, nuint index)
    {
        value.p0.StoreUnsafe(ref destination, index);
        value.p1.StoreUnsafe(ref destination, index + (nuint)Vector128<T>.Count);
        value.p2.StoreUnsafe(ref destination, index + 2 * (nuint)Vector128<T>.Count);
        value.p3.StoreUnsafe(ref destination, index + 3 * (nuint)Vector128<T>.Count);
    }

    /// <inheritdoc/>
    public static T GetLane(Simd128x4<T> vector, int lane) =>
        (lane / Vector128<T>.Count) switch
        {
            0 => vector.p0.GetElement(lane),
            1 => vector.p1.GetElement(lane - Vector128<T>.Count),
            2 => vector.p2.GetElement(lane - 2 * Vector128<T>.Count),
            _ => vector.p3.GetElement(lane - 3 * Vector128<T>.Count),
        };

    /// <inheritdoc/>
    public static Simd128x4<T> WithLane(Simd128x4<T> vector, int lane, T value) =>
        (lane / Vector128<T>.Count) switch
        {
            0 => new(vector.p0.WithElement(lane, value), vector.p1, vector.p2, vector.p3),
            1 => new(vector.p0, vector.p1.WithElement(lane - Vector128<T>.Count, value), vector.p2, vector.p3),
            2 => new(vector.p0, vector.p1, vector.p2.WithElement(lane - 2 * Vector128<T>.Count, value), vector.p3),
            _ => new(vector.p0, vector.p1, vector.p2, vector.p3.WithElement(lane - 3 * Vector128<T>.Count, value)),
        };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> FusedMultiplyAdd(Simd128x4<T> a, Simd128x4<T> b, Simd128x4<T> c) =>
        new(Fma(a.p0, b.p0, c.p0), Fma(a.p1, b.p1, c.p1), Fma(a.p2, b.p2, c.p2), Fma(a.p3, b.p3, c.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Sqrt(Simd128x4<T> x) =>
        new(Vector128.Sqrt(x.p0), Vector128.Sqrt(x.p1), Vector128.Sqrt(x.p2), Vector128.Sqrt(x.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Abs(Simd128x4<T> x) =>
        new(Vector128.Abs(x.p0), Vector128.Abs(x.p1), Vector128.Abs(x.p2), Vector128.Abs(x.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Min(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.Min(a.p0, b.p0), Vector128.Min(a.p1, b.p1), Vector128.Min(a.p2, b.p2), Vector128.Min(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Max(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.Max(a.p0, b.p0), Vector128.Max(a.p1, b.p1), Vector128.Max(a.p2, b.p2), Vector128.Max(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Select(Simd128x4<T> mask, Simd128x4<T> whenTrue, Simd128x4<T> whenFalse) =>
        new(Vector128.ConditionalSelect(mask.p0, whenTrue.p0, whenFalse.p0), Vector128.ConditionalSelect(mask.p1, whenTrue.p1, whenFalse.p1), Vector128.ConditionalSelect(mask.p2, whenTrue.p2, whenFalse.p2), Vector128.ConditionalSelect(mask.p3, whenTrue.p3, whenFalse.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> LessThan(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.LessThan(a.p0, b.p0), Vector128.LessThan(a.p1, b.p1), Vector128.LessThan(a.p2, b.p2), Vector128.LessThan(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> LessThanOrEqual(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.LessThanOrEqual(a.p0, b.p0), Vector128.LessThanOrEqual(a.p1, b.p1), Vector128.LessThanOrEqual(a.p2, b.p2), Vector128.LessThanOrEqual(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> GreaterThan(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.GreaterThan(a.p0, b.p0), Vector128.GreaterThan(a.p1, b.p1), Vector128.GreaterThan(a.p2, b.p2), Vector128.GreaterThan(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> GreaterThanOrEqual(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.GreaterThanOrEqual(a.p0, b.p0), Vector128.GreaterThanOrEqual(a.p1, b.p1), Vector128.GreaterThanOrEqual(a.p2, b.p2), Vector128.GreaterThanOrEqual(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> EqualTo(Simd128x4<T> a, Simd128x4<T> b) =>
        new(Vector128.Equals(a.p0, b.p0), Vector128.Equals(a.p1, b.p1), Vector128.Equals(a.p2, b.p2), Vector128.Equals(a.p3, b.p3));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Reciprocal(Simd128x4<T> x) => Create(T.One) / x;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> Sign(Simd128x4<T> x)
    {
        var one = Create(T.One);
        var sign = Select(GreaterThan(x, Zero), one, Zero) - Select(LessThan(x, Zero), one, Zero);
        return Select(EqualTo(x, x), sign, x);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LerpWeight<Simd128x4<T>> PrepareLerp(Simd128x4<T> weight)
    {
        // Each lane takes its own form by its own weight: from start with factor weight, or from end with weight - 1.
        var small = LessThan(Abs(weight), Create(T.CreateTruncating(0.5)));
        return new(small, Select(small, weight, weight - Create(T.One)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator +(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 + right.p0, left.p1 + right.p1, left.p2 + right.p2, left.p3 + right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator -(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 - right.p0, left.p1 - right.p1, left.p2 - right.p2, left.p3 - right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator *(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 * right.p0, left.p1 * right.p1, left.p2 * right.p2, left.p3 * right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator /(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 / right.p0, left.p1 / right.p1, left.p2 / right.p2, left.p3 / right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator &(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 & right.p0, left.p1 & right.p1, left.p2 & right.p2, left.p3 & right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator |(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 | right.p0, left.p1 | right.p1, left.p2 | right.p2, left.p3 | right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator ^(Simd128x4<T> left, Simd128x4<T> right) =>
        new(left.p0 ^ right.p0, left.p1 ^ right.p1, left.p2 ^ right.p2, left.p3 ^ right.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator -(Simd128x4<T> value) =>
        new(-value.p0, -value.p1, -value.p2, -value.p3);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128x4<T> operator ~(Simd128x4<T> value) =>
        new(~value.p0, ~value.p1, ~value.p2, ~value.p3);

    // Vector128.FusedMultiplyAdd exists for float and double only; the test on T is resolved when the JIT compiles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fma(Vector128<T> a, Vector128<T> b, Vector128<T> c) =>
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
}
