using System;

namespace ScratchOptim.Training;

/// <summary>The element types of the safetensors format, by their names in the header.</summary>
public enum SafeTensorsDType
{
    /// <summary><c>BOOL</c>: one byte, 0 or 1.</summary>
    Bool,

    /// <summary><c>U8</c>.</summary>
    U8,

    /// <summary><c>I8</c>.</summary>
    I8,

    /// <summary><c>F8_E5M2</c>.</summary>
    F8E5M2,

    /// <summary><c>F8_E4M3</c>.</summary>
    F8E4M3,

    /// <summary><c>I16</c>.</summary>
    I16,

    /// <summary><c>U16</c>.</summary>
    U16,

    /// <summary><c>F16</c>.</summary>
    F16,

    /// <summary><c>BF16</c>.</summary>
    BF16,

    /// <summary><c>I32</c>.</summary>
    I32,

    /// <summary><c>U32</c>.</summary>
    U32,

    /// <summary><c>F32</c>: float.</summary>
    F32,

    /// <summary><c>F64</c>: double.</summary>
    F64,

    /// <summary><c>I64</c>: long.</summary>
    I64,

    /// <summary><c>U64</c>.</summary>
    U64,
}

/// <summary>Names, sizes and .NET types of <see cref="SafeTensorsDType"/>.</summary>
public static class SafeTensorsDTypes
{
    /// <summary>The name in a safetensors header (<c>"F32"</c>, <c>"F8_E4M3"</c>, ...).</summary>
    public static string HeaderName(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool => "BOOL",
        SafeTensorsDType.F8E5M2 => "F8_E5M2",
        SafeTensorsDType.F8E4M3 => "F8_E4M3",
        _ => dtype.ToString(),
    };

    /// <summary>Bytes per element.</summary>
    public static int Size(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool or SafeTensorsDType.U8 or SafeTensorsDType.I8 or SafeTensorsDType.F8E5M2 or SafeTensorsDType.F8E4M3 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        _ => 8,
    };

    /// <summary>The dtype named <paramref name="name"/> in a header, or null for a name this library does not know.</summary>
    public static SafeTensorsDType? Parse(string name) => name switch
    {
        "BOOL" => SafeTensorsDType.Bool,
        "U8" => SafeTensorsDType.U8,
        "I8" => SafeTensorsDType.I8,
        "F8_E5M2" => SafeTensorsDType.F8E5M2,
        "F8_E4M3" => SafeTensorsDType.F8E4M3,
        "I16" => SafeTensorsDType.I16,
        "U16" => SafeTensorsDType.U16,
        "F16" => SafeTensorsDType.F16,
        "BF16" => SafeTensorsDType.BF16,
        "I32" => SafeTensorsDType.I32,
        "U32" => SafeTensorsDType.U32,
        "F32" => SafeTensorsDType.F32,
        "F64" => SafeTensorsDType.F64,
        "I64" => SafeTensorsDType.I64,
        "U64" => SafeTensorsDType.U64,
        _ => null,
    };

    /// <summary>The dtype that stores .NET type <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">No safetensors dtype holds <typeparamref name="T"/>.</exception>
    public static SafeTensorsDType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return SafeTensorsDType.F32;
        if (typeof(T) == typeof(double)) return SafeTensorsDType.F64;
        if (typeof(T) == typeof(long)) return SafeTensorsDType.I64;
        if (typeof(T) == typeof(int)) return SafeTensorsDType.I32;
        if (typeof(T) == typeof(short)) return SafeTensorsDType.I16;
        if (typeof(T) == typeof(sbyte)) return SafeTensorsDType.I8;
        if (typeof(T) == typeof(ulong)) return SafeTensorsDType.U64;
        if (typeof(T) == typeof(uint)) return SafeTensorsDType.U32;
        if (typeof(T) == typeof(ushort)) return SafeTensorsDType.U16;
        if (typeof(T) == typeof(byte)) return SafeTensorsDType.U8;
        if (typeof(T) == typeof(bool)) return SafeTensorsDType.Bool;
        if (typeof(T) == typeof(Half)) return SafeTensorsDType.F16;
        throw new NotSupportedException($"No safetensors dtype holds {typeof(T).Name}.");
    }
}
