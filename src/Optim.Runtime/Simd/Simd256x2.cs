using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchOptim.Simd;

/// <summary>64 bytes of <typeparamref name="T"/> in two 256-bit registers (AVX2).</summary>
public readonly struct Simd256x2<T> : ISimd<Simd256x2<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Lanes 0 .. Vector256<T>.Count - 1 are in p0, the next ones in p1, and so on: the order of the elements in memory.
    private readonly Vector256<T> p0, p1;

    private Simd256x2(Vector256<T> p0, Vector256<T> p1)
    {
        (this.p0, this.p1) = (p0, p1);
    }

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static int Count => 2 * Vector256<T>.Count;

    /// <inheritdoc/>
    public static Simd256x2<T> Zero => default;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Create(T value)
    {
        var part = Vector256.Create(value);
        return new(part, part);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Load(ref T source, nuint index) =>
        new(Vector256.LoadUnsafe(ref source, index), Vector256.LoadUnsafe(ref source, index + (nuint)Vector256<T>.Count));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256x2<T> value, ref T destination, nuint index)
    {
        value.p0.StoreUnsafe(ref destination, index);
        value.p1.StoreUnsafe(ref destination, index + (nuint)Vector256<T>.Count);
    }

    /// <inheritdoc/>
    public static T GetLane(Simd256x2<T> vector, int lane) =>
        (lane / Vector256<T>.Count) switch
        {
            0 => vector.p0.GetElement(lane),
            _ => vector.p1.GetElement(lane - Vector256<T>.Count),
        };

    /// <inheritdoc/>
    public static Simd256x2<T> WithLane(Simd256x2<T> vector, int lane, T value) =>
        (lane / Vector256<T>.Count) switch
        {
            0 => new(vector.p0.WithElement(lane, value), vector.p1),
            _ => new(vector.p0, vector.p1.WithElement(lane - Vector256<T>.Count, value)),
        };

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> FusedMultiplyAdd(Simd256x2<T> a, Simd256x2<T> b, Simd256x2<T> c) =>
        new(Fma(a.p0, b.p0, c.p0), Fma(a.p1, b.p1, c.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Sqrt(Simd256x2<T> x) =>
        new(Vector256.Sqrt(x.p0), Vector256.Sqrt(x.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Abs(Simd256x2<T> x) =>
        new(Vector256.Abs(x.p0), Vector256.Abs(x.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Min(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.Min(a.p0, b.p0), Vector256.Min(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Max(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.Max(a.p0, b.p0), Vector256.Max(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Select(Simd256x2<T> mask, Simd256x2<T> whenTrue, Simd256x2<T> whenFalse) =>
        new(Vector256.ConditionalSelect(mask.p0, whenTrue.p0, whenFalse.p0), Vector256.ConditionalSelect(mask.p1, whenTrue.p1, whenFalse.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> LessThan(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.LessThan(a.p0, b.p0), Vector256.LessThan(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> LessThanOrEqual(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.LessThanOrEqual(a.p0, b.p0), Vector256.LessThanOrEqual(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> GreaterThan(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.GreaterThan(a.p0, b.p0), Vector256.GreaterThan(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> GreaterThanOrEqual(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.GreaterThanOrEqual(a.p0, b.p0), Vector256.GreaterThanOrEqual(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> EqualTo(Simd256x2<T> a, Simd256x2<T> b) =>
        new(Vector256.Equals(a.p0, b.p0), Vector256.Equals(a.p1, b.p1));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Reciprocal(Simd256x2<T> x) => Create(T.One) / x;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> Sign(Simd256x2<T> x)
    {
        var one = Create(T.One);
        var sign = Select(GreaterThan(x, Zero), one, Zero) - Select(LessThan(x, Zero), one, Zero);
        return Select(EqualTo(x, x), sign, x);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LerpWeight<Simd256x2<T>> PrepareLerp(Simd256x2<T> weight)
    {
        // Each lane takes its own form by its own weight: from start with factor weight, or from end with weight - 1.
        var small = LessThan(Abs(weight), Create(T.CreateTruncating(0.5)));
        return new(small, Select(small, weight, weight - Create(T.One)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator +(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 + right.p0, left.p1 + right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator -(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 - right.p0, left.p1 - right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator *(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 * right.p0, left.p1 * right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator /(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 / right.p0, left.p1 / right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator &(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 & right.p0, left.p1 & right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator |(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 | right.p0, left.p1 | right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator ^(Simd256x2<T> left, Simd256x2<T> right) =>
        new(left.p0 ^ right.p0, left.p1 ^ right.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator -(Simd256x2<T> value) =>
        new(-value.p0, -value.p1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256x2<T> operator ~(Simd256x2<T> value) =>
        new(~value.p0, ~value.p1);

    // Vector256.FusedMultiplyAdd exists for float and double only; the test on T is resolved when the JIT compiles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
}
