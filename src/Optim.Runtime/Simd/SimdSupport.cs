using System.Numerics;

namespace ScratchOptim.Simd;

/// <summary>Which registers a 64-byte vector of elements is made of on this machine.</summary>
public enum SimdWidth
{
    /// <summary>One 512-bit register (<see cref="Simd512{T}"/>).</summary>
    Bits512,

    /// <summary>Two 256-bit registers (<see cref="Simd256x2{T}"/>).</summary>
    Bits256,

    /// <summary>Four 128-bit registers (<see cref="Simd128x4{T}"/>), or no vector hardware: the loops then run their scalar form.</summary>
    Bits128,

    /// <summary>No vector registers (<see cref="SimdScalar{T}"/>): every element runs through the loops' scalar form.</summary>
    Scalar,
}

/// <summary>Chooses the vector type the generated kernels run on.</summary>
public static class SimdSupport
{
    /// <summary>The widest registers this machine accelerates for <typeparamref name="T"/>.</summary>
    public static SimdWidth Widest<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Simd512<T>.IsHardwareAccelerated ? SimdWidth.Bits512
        : Simd256x2<T>.IsHardwareAccelerated ? SimdWidth.Bits256
        : SimdWidth.Bits128;
}
