using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

namespace ScratchOptim.Train.Data;

/// <summary>An array read from an IDX file: its dimensions, outermost first, and its bytes in row-major order.</summary>
public sealed record IdxArray(IReadOnlyList<int> Shape, byte[] Data);

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type code, the number of
/// dimensions, each dimension as a big-endian 32-bit count, then the values. Only unsigned bytes (type 0x08), the
/// type of those data sets, are read. A file ending in <c>.gz</c> is decompressed first.
/// </summary>
public static class IdxFile
{
    /// <summary>The most bytes of values read: four times MNIST's training images.</summary>
    public const long MaxDataBytes = 256L << 20;

    private const byte UnsignedByte = 0x08;

    /// <exception cref="InvalidDataException">The file is not an IDX file of unsigned bytes, or is cut short or too long.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return Read(file, path);
        return Read(Decompress(file, path), path);
    }

    /// <summary>The whole decompressed file, so a gzip error is told apart from an IDX error and offsets count decompressed bytes.</summary>
    private static MemoryStream Decompress(Stream compressed, string path)
    {
        // The header is at most 4 + 4 × 255 bytes.
        const long limit = MaxDataBytes + 4 + 4 * 255;
        var decompressed = new MemoryStream();
        var buffer = new byte[1 << 16];
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        while (ReadCompressed(gzip, buffer, path, decompressed.Length) is var read and > 0)
        {
            if (decompressed.Length + read > limit)
                throw Corrupt(path, limit, $"it decompresses to more than the {limit} bytes of the largest IDX file this reader accepts.");
            decompressed.Write(buffer, 0, read);
        }
        decompressed.Position = 0;
        return decompressed;
    }

    private static int ReadCompressed(GZipStream gzip, byte[] buffer, string path, long offset)
    {
        try
        {
            return gzip.Read(buffer);
        }
        catch (InvalidDataException exception)
        {
            throw Corrupt(path, offset, $"not a valid gzip file: {exception.Message}");
        }
    }

    /// <exception cref="InvalidDataException">The stream is not an IDX file of unsigned bytes, or is cut short or too long.</exception>
    public static IdxArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[4];
        int got = ReadFully(stream, header);
        if (got < header.Length) throw Corrupt(source, got, $"the file ends after {got} bytes, inside the 4-byte header.");
        if (header[0] != 0 || header[1] != 0)
            throw Corrupt(source, 0, $"an IDX file starts with two zero bytes; this one starts with 0x{header[0]:X2} 0x{header[1]:X2}.");
        if (header[2] != UnsignedByte)
            throw Corrupt(source, 2, $"values of type 0x{header[2]:X2} ({TypeName(header[2])}); only unsigned bytes (0x08), MNIST's type, are read.");
        int rank = header[3];
        if (rank == 0) throw Corrupt(source, 3, "the array has 0 dimensions; IDX images have 3 and labels 1.");

        var dimensions = new byte[4 * rank];
        got = ReadFully(stream, dimensions);
        if (got < dimensions.Length)
            throw Corrupt(source, 4 + got, $"the file ends inside the sizes of its {rank} dimensions ({4 + dimensions.Length} header bytes).");
        var shape = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimensions.AsSpan(4 * d));
            count *= size;
            if (size > MaxDataBytes)
                throw Corrupt(source, 4 + 4 * d, $"dimension {d} has size {size}: more than the {MaxDataBytes} values this reader accepts.");
            if (count > MaxDataBytes)
                throw Corrupt(source, 4 + 4 * d, $"dimension {d} has size {size}, which makes {count} values: more than the {MaxDataBytes} this reader accepts.");
            shape[d] = (int)size;
        }

        long dataOffset = 4 + dimensions.Length;
        if (stream.CanSeek && stream.Length - stream.Position < count)
            throw Truncated(source, dataOffset, count, stream.Length - stream.Position, shape);
        var data = new byte[count];
        got = ReadFully(stream, data);
        if (got < count) throw Truncated(source, dataOffset, count, got, shape);
        if (stream.ReadByte() >= 0)
            throw Corrupt(source, dataOffset + count, $"more bytes follow the {count} values of the [{string.Join(", ", shape)}] array.");
        return new IdxArray(shape, data);
    }

    private static InvalidDataException Truncated(string source, long dataOffset, long expected, long present, int[] shape) =>
        Corrupt(source, dataOffset + present, $"the file is cut short: its [{string.Join(", ", shape)}] array needs {expected} bytes of values; there are {present}.");

    /// <summary>A corrupt file: what is wrong, in which file, at which byte (of the decompressed data for a .gz file).</summary>
    internal static InvalidDataException Corrupt(string source, long offset, string problem) => new($"{source}, byte {offset}: {problem}");

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    private static string TypeName(byte code) => code switch
    {
        0x09 => "signed bytes",
        0x0B => "16-bit integers",
        0x0C => "32-bit integers",
        0x0D => "32-bit floats",
        0x0E => "64-bit floats",
        _ => "not an IDX type",
    };
}
