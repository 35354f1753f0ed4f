using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ScratchOptim.Training;

/// <summary>
/// A safetensors file opened for reading: the header is read and checked whole when the file is opened, the
/// tensors' bytes are read on demand (a file larger than memory is fine). Format: an 8-byte little-endian header
/// length, a UTF-8 JSON header mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>
/// (plus an optional <c>"__metadata__"</c> map of strings), then the tensors' raw little-endian bytes.
/// </summary>
/// <remarks>
/// Every inconsistency is an <see cref="InvalidDataException"/> that names the file, the tensor and the problem:
/// a truncated file, a header longer than <see cref="MaxHeaderBytes"/> or not UTF-8 JSON, a duplicate key, an
/// unknown dtype, a negative dimension, offsets that overlap, leave a gap, run past the data or disagree with the
/// shape, bytes after the last tensor. The format is the one Python's <c>safetensors</c> reads and writes.
/// </remarks>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>The largest header accepted (100 MB, as the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private readonly long dataStart;
    private readonly Dictionary<string, SafeTensorInfo> byName;

    private SafeTensorsFile(Stream stream, bool leaveOpen, string source)
    {
        this.stream = stream;
        this.leaveOpen = leaveOpen;
        Source = source;
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not.");
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));

        long length = stream.Length;
        if (length < 8) throw Corrupt($"the file has {length} bytes; a safetensors file starts with an 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        ReadAt(0, prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw Corrupt($"the header length is {headerLength} bytes, more than the {MaxHeaderBytes} allowed (not a safetensors file, or a corrupt one)");
        if ((long)headerLength > length - 8)
            throw Corrupt($"the file is truncated: the header length is {headerLength} bytes but only {length - 8} bytes follow it");

        var header = new byte[headerLength];
        ReadAt(8, header);
        dataStart = 8 + (long)headerLength;
        (Tensors, Metadata) = ParseHeader(header, length - dataStart);
        byName = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file's path (or a description of the stream), as messages name it.</summary>
    public string Source { get; }

    /// <summary>The tensors, in the order of their bytes in the file.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> (empty when there is none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and checks the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message says what and where.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        try
        {
            return new SafeTensorsFile(file, leaveOpen: false, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads and checks a safetensors file from a readable, seekable stream.</summary>
    /// <exception cref="InvalidDataException">The data is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream, bool leaveOpen = false, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new SafeTensorsFile(stream, leaveOpen, source);
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public SafeTensorInfo? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public SafeTensorInfo this[string name] =>
        byName.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"{Source}: there is no tensor '{name}'.");

    /// <summary>Reads tensor <paramref name="name"/> into <paramref name="destination"/>, which must have its element type and count.</summary>
    /// <exception cref="InvalidDataException">The tensor's dtype is not <typeparamref name="T"/>'s.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void ReadInto<T>(string name, Span<T> destination)
        where T : unmanaged
    {
        var info = this[name];
        var expected = SafeTensorsDTypes.Of<T>();
        if (info.DType != expected)
            throw Corrupt($"tensor '{name}' holds {info.DType.HeaderName()}; it was read as {expected.HeaderName()} ({typeof(T).Name})");
        if (info.ElementCount != destination.Length)
            throw new ArgumentException($"{Source}: tensor '{name}' has {info.ElementCount} elements (shape {info.ShapeText}); the destination has {destination.Length}.", nameof(destination));
        long position = dataStart + info.Begin;
        int chunk = int.MaxValue / Math.Max(1, Marshal.SizeOf<T>()) / 2;
        for (int start = 0; start < destination.Length; start += chunk)
        {
            var bytes = MemoryMarshal.AsBytes(destination.Slice(start, Math.Min(chunk, destination.Length - start)));
            ReadAt(position, bytes);
            position += bytes.Length;
        }
    }

    /// <summary>Reads tensor <paramref name="name"/> into a new array.</summary>
    /// <exception cref="InvalidDataException">The tensor's dtype is not <typeparamref name="T"/>'s.</exception>
    public T[] ReadArray<T>(string name)
        where T : unmanaged
    {
        var info = this[name];
        if (info.ElementCount > Array.MaxLength) throw new InvalidOperationException($"{Source}: tensor '{name}' has {info.ElementCount} elements, more than an array holds.");
        // Not zeroed first: every element is read, or the array is dropped with the exception.
        var values = GC.AllocateUninitializedArray<T>((int)info.ElementCount);
        ReadInto<T>(name, values);
        return values;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!leaveOpen) stream.Dispose();
    }

    private void ReadAt(long position, Span<byte> destination)
    {
        if (stream is FileStream file)
        {
            while (!destination.IsEmpty)
            {
                int read = RandomAccess.Read(file.SafeFileHandle, destination, position);
                if (read == 0) throw Corrupt($"the file ended at byte {position}, before the data its header describes (was it truncated while reading?)");
                destination = destination[read..];
                position += read;
            }
            return;
        }
        stream.Position = position;
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException)
        {
            throw Corrupt($"the data ended before byte {position + destination.Length}, which its header describes");
        }
    }

    private (IReadOnlyList<SafeTensorInfo>, IReadOnlyDictionary<string, string>) ParseHeader(byte[] header, long dataLength)
    {
        try
        {
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(header);
        }
        catch (DecoderFallbackException exception)
        {
            throw Corrupt($"the header is not valid UTF-8 (at byte {8 + exception.Index})");
        }
        if (header.Length == 0 || header[0] != (byte)'{') throw Corrupt("the header does not start with '{' (not a safetensors file)");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException exception)
        {
            throw Corrupt($"the header is not valid JSON: {exception.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Corrupt("the header is not a JSON object");
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Corrupt($"the header has the key '{property.Name}' twice");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata);
                else tensors.Add(ReadTensor(property.Name, property.Value));
            }
            CheckLayout(tensors, dataLength);
            return (tensors, metadata);
        }
    }

    private void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Corrupt($"'{MetadataKey}' is not an object of strings");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String) throw Corrupt($"metadata '{entry.Name}' is not a string");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!)) throw Corrupt($"the metadata has the key '{entry.Name}' twice");
        }
    }

    private SafeTensorInfo ReadTensor(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Corrupt($"tensor '{name}' is not an object with dtype, shape and data_offsets");
        SafeTensorsDType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null:
                    if (field.Value.ValueKind != JsonValueKind.String) throw Corrupt($"tensor '{name}': 'dtype' is not a string");
                    string dtypeName = field.Value.GetString()!;
                    dtype = SafeTensorsDTypes.Parse(dtypeName) ?? throw Corrupt($"tensor '{name}': unknown dtype '{dtypeName}'");
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(name, "shape", field.Value, -1);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(name, "data_offsets", field.Value, 2);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Corrupt($"tensor '{name}' has '{field.Name}' twice");
                default:
                    throw Corrupt($"tensor '{name}' has an unknown field '{field.Name}'");
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw Corrupt($"tensor '{name}' lacks '{(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}'");
        var info = new SafeTensorInfo(name, dtype.Value, shape, offsets[0], offsets[1]);
        if (offsets[0] > offsets[1]) throw Corrupt($"tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        long bytes;
        try
        {
            bytes = dtype.Value.Size();
            foreach (long dimension in shape) bytes = checked(bytes * dimension);
        }
        catch (OverflowException)
        {
            throw Corrupt($"tensor '{name}': shape {info.ShapeText} is too large");
        }
        if (bytes != info.ByteLength)
            throw Corrupt($"tensor '{name}': data_offsets [{info.Begin}, {info.End}] hold {info.ByteLength} bytes, but shape {info.ShapeText} of {dtype.Value.HeaderName()} needs {bytes}");
        return info;
    }

    private long[] ReadIntegers(string name, string field, JsonElement element, int count)
    {
        if (element.ValueKind != JsonValueKind.Array || (count >= 0 && element.GetArrayLength() != count))
            throw Corrupt($"tensor '{name}': '{field}' is not a list of {(count >= 0 ? $"{count} " : "")}whole numbers");
        var values = new long[element.GetArrayLength()];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i]) || values[i] < 0)
                throw Corrupt($"tensor '{name}': '{field}' element {i} is not a whole number of at least 0 ({item.GetRawText()})");
            i++;
        }
        return values;
    }

    /// <summary>The tensors must tile the data section exactly: no overlap, no gap, nothing past its end or after the last.</summary>
    private void CheckLayout(List<SafeTensorInfo> tensors, long dataLength)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long next = 0;
        string? previous = null;
        foreach (var tensor in tensors)
        {
            if (tensor.End > dataLength)
                throw Corrupt($"tensor '{tensor.Name}': data_offsets [{tensor.Begin}, {tensor.End}] run past the end of the data ({dataLength} bytes; truncated file?)");
            if (tensor.Begin < next)
                throw Corrupt($"tensor '{tensor.Name}' (bytes {tensor.Begin} to {tensor.End}) overlaps tensor '{previous}', which ends at byte {next}");
            if (tensor.Begin > next)
                throw Corrupt($"bytes {next} to {tensor.Begin} of the data belong to no tensor (before tensor '{tensor.Name}')");
            next = tensor.End;
            previous = tensor.Name;
        }
        if (next != dataLength)
            throw Corrupt($"the data section has {dataLength} bytes but its tensors end at byte {next}: {dataLength - next} bytes belong to no tensor");
    }

    private InvalidDataException Corrupt(string what) => new($"{Source}: not a valid safetensors file: {what}.");
}
