using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ScratchOptim.Training;

/// <summary>
/// Writes tensors in the safetensors format (<see cref="SafeTensorsFile"/> describes it): add the tensors and the
/// metadata, then <see cref="Save"/> to a path (atomically: the previous file survives any failure) or
/// <see cref="WriteTo"/> a stream. The tensors' memory is written as it is, without copies, so the file is the
/// raw bytes plus a header of a few hundred bytes.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<Entry> entries = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> metadata = new(StringComparer.Ordinal);

    /// <summary>The metadata written as the header's <c>__metadata__</c> (string to string).</summary>
    public IDictionary<string, string> Metadata => metadata;

    /// <summary>The tensors added, in the order they will be written.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors
    {
        get
        {
            var infos = new List<SafeTensorInfo>(entries.Count);
            long offset = 0;
            foreach (var entry in entries)
            {
                infos.Add(new SafeTensorInfo(entry.Name, entry.DType, entry.Shape, offset, offset + entry.ByteLength));
                offset += entry.ByteLength;
            }
            return infos;
        }
    }

    /// <summary>Adds a tensor of shape <paramref name="shape"/> (one dimension of <paramref name="data"/>'s length when null).</summary>
    /// <exception cref="ArgumentException">The name is empty, reserved or already used, or the shape does not hold the data's length.</exception>
    /// <exception cref="NotSupportedException">No safetensors dtype holds <typeparamref name="T"/>.</exception>
    public SafeTensorsWriter Add<T>(string name, ReadOnlyMemory<T> data, IReadOnlyList<long>? shape = null)
        where T : unmanaged
    {
        var dtype = SafeTensorsDTypes.Of<T>();
        long[] dimensions = Dimensions(name, shape ?? new long[] { data.Length }, data.Length);
        if (!names.Add(name)) throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        entries.Add(new Entry<T>(name, dtype, dimensions, data));
        return this;
    }

    /// <summary>Checks a new tensor's name and that its shape holds <paramref name="length"/> elements.</summary>
    private static long[] Dimensions(string name, IReadOnlyList<long> shape, int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == "__metadata__") throw new ArgumentException("'__metadata__' is the header's metadata key, not a tensor name.", nameof(name));
        long[] dimensions = [.. shape];
        long count = 1;
        foreach (long dimension in dimensions)
        {
            if (dimension < 0) throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", dimensions)}] has a negative dimension.", nameof(shape));
            count = checked(count * dimension);
        }
        if (count != length)
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", dimensions)}] holds {count} elements; the data has {length}.", nameof(shape));
        return dimensions;
    }

    /// <summary>
    /// Adds a tensor of <paramref name="length"/> elements whose memory <paramref name="data"/> gives when it is
    /// written (memory only reachable as a span, such as an optimizer's state).
    /// </summary>
    internal SafeTensorsWriter Add<T>(string name, IReadOnlyList<long> shape, int length, Func<ReadOnlySpan<T>> data)
        where T : unmanaged
    {
        var dtype = SafeTensorsDTypes.Of<T>();
        long[] dimensions = Dimensions(name, shape, length);
        if (!names.Add(name)) throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        entries.Add(new SpanEntry<T>(name, dtype, dimensions, length, data));
        return this;
    }

    /// <summary>The number of bytes <see cref="WriteTo"/> writes.</summary>
    public long Length => 8 + Header().Length + DataLength;

    private long DataLength
    {
        get
        {
            long total = 0;
            foreach (var entry in entries) total += entry.ByteLength;
            return total;
        }
    }

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not.");
        byte[] header = Header();
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var entry in entries) entry.Write(stream);
    }

    /// <summary>Writes the file to <paramref name="path"/> with <see cref="AtomicFile"/>: the previous file there survives any failure.</summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>The JSON header, padded with spaces so the data starts at a multiple of 8 bytes.</summary>
    private byte[] Header()
    {
        var buffer = new ArrayBufferWriter<byte>(256 + 96 * entries.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.HeaderName());
                json.WriteStartArray("shape");
                foreach (long dimension in entry.Shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + entry.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += entry.ByteLength;
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 8 + 7) / 8 * 8 - 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private abstract class Entry(string name, SafeTensorsDType dtype, long[] shape)
    {
        public string Name { get; } = name;

        public SafeTensorsDType DType { get; } = dtype;

        public long[] Shape { get; } = shape;

        public abstract long ByteLength { get; }

        public abstract void Write(Stream stream);
    }

    private sealed class Entry<T>(string name, SafeTensorsDType dtype, long[] shape, ReadOnlyMemory<T> data) : Entry(name, dtype, shape)
        where T : unmanaged
    {
        public override long ByteLength => (long)data.Length * Marshal.SizeOf<T>();

        public override void Write(Stream stream) => WriteSpan(stream, data.Span);
    }

    private sealed class SpanEntry<T>(string name, SafeTensorsDType dtype, long[] shape, int length, Func<ReadOnlySpan<T>> data) : Entry(name, dtype, shape)
        where T : unmanaged
    {
        public override long ByteLength => (long)length * Marshal.SizeOf<T>();

        public override void Write(Stream stream)
        {
            var span = data();
            if (span.Length != length)
                throw new InvalidOperationException($"Tensor '{Name}' was added with {length} elements and has {span.Length} when it is written.");
            WriteSpan(stream, span);
        }
    }

    private static void WriteSpan<T>(Stream stream, ReadOnlySpan<T> data)
        where T : unmanaged
    {
        // In chunks of at most 1 GiB, as a span of bytes holds less than 2 GiB.
        int chunk = (1 << 30) / Marshal.SizeOf<T>();
        for (int start = 0; start < data.Length; start += chunk)
            stream.Write(MemoryMarshal.AsBytes(data.Slice(start, Math.Min(chunk, data.Length - start))));
    }
}
