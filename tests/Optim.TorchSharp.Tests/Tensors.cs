using System;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace ScratchOptim.TorchSharp.Tests;

/// <summary>Small helpers over TorchSharp tensors for the tests.</summary>
internal static class Tensors
{
    /// <summary>A leaf parameter of seeded normal values.</summary>
    public static TorchParameter RandomParameter(Generator generator, ScalarType dtype, params long[] shape) =>
        new(randn(shape, dtype: dtype, generator: generator));

    /// <summary>
    /// Seeded values k / 1024 for integers k in [-2048, 2048]: at most 12 significant bits, so their squares are
    /// exact in float32 and float64, and so are the square roots of those squares.
    /// </summary>
    public static Tensor Dyadic(Generator generator, ScalarType dtype, long[] shape) =>
        randint(-2048, 2049, shape, generator: generator).to_type(dtype).div_(1024);

    /// <summary>An independent copy of <paramref name="parameter"/> (its own storage), as a new leaf parameter.</summary>
    public static TorchParameter Copy(Tensor parameter) => new(parameter.detach().clone());

    /// <summary>The address of the tensor's first element.</summary>
    public static unsafe IntPtr Address(Tensor tensor)
    {
        fixed (byte* first = tensor.bytes) return (IntPtr)first;
    }

    /// <summary>The address of the first element of <paramref name="memory"/>.</summary>
    public static unsafe IntPtr Address<T>(Memory<T> memory)
        where T : unmanaged
    {
        fixed (T* first = memory.Span) return (IntPtr)first;
    }

    /// <summary>A copy of the tensor's elements, in order.</summary>
    public static T[] Values<T>(Tensor tensor)
        where T : unmanaged
    {
        using var contiguous = tensor.contiguous();
        return MemoryMarshal.Cast<byte, T>(contiguous.bytes).ToArray();
    }

    /// <summary>The tensor's elements as doubles (exactly: float32 and float64 both convert without rounding).</summary>
    public static double[] AsDoubles(Tensor tensor) => tensor.dtype == ScalarType.Float32
        ? Array.ConvertAll(Values<float>(tensor), value => (double)value)
        : Values<double>(tensor);

    /// <summary>
    /// The largest distance in units in the last place between elements of two tensors of the same shape and dtype
    /// (the number of representable values between them; 0 when they are bit for bit equal).
    /// </summary>
    public static long MaxUlps(Tensor a, Tensor b) => a.dtype == ScalarType.Float32
        ? MaxUlps(Values<float>(a), Values<float>(b))
        : MaxUlps(Values<double>(a), Values<double>(b));

    /// <summary>The largest distance in ulps between float32 values given as doubles (exact conversions).</summary>
    public static long MaxUlps(ScalarType dtype, double[] a, double[] b) => dtype == ScalarType.Float32
        ? MaxUlps(Array.ConvertAll(a, value => (float)value), Array.ConvertAll(b, value => (float)value))
        : MaxUlps(a, b);

    public static long MaxUlps(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException("The arrays differ in length.");
        long max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(Ordered(a[i]) - Ordered(b[i])));
        return max;
    }

    public static long MaxUlps(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException("The arrays differ in length.");
        Int128 max = 0;
        for (int i = 0; i < a.Length; i++) max = Int128.Max(max, Int128.Abs((Int128)Ordered(a[i]) - Ordered(b[i])));
        return (long)Int128.Min(max, long.MaxValue);
    }

    /// <summary>max |a − b| / max |a|: the difference measured against the tensor's scale, not each element's.</summary>
    public static double MaxRelative(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException("The arrays differ in length.");
        double scale = a.Max(Math.Abs);
        double difference = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        return scale == 0 ? difference : difference / scale;
    }

    /// <summary>The float's position on the number line counted in representable values (so +0 and -0 coincide).</summary>
    private static long Ordered(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
    }

    private static long Ordered(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        return bits < 0 ? -(bits & long.MaxValue) : bits;
    }
}
