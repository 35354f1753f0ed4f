using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace ScratchOptim.Train.Tests;

/// <summary>Writes IDX files byte by byte as the format describes them (LeCun's MNIST page), independently of the reader under test.</summary>
internal static class IdxWriter
{
    /// <summary>The bytes of an IDX file: 0, 0, the type code, the rank, each dimension big-endian, the values.</summary>
    public static byte[] Bytes(int[] shape, byte[] values, byte typeCode = 0x08)
    {
        var bytes = new byte[4 + 4 * shape.Length + values.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        values.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    public static void Write(string path, byte[] bytes)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    /// <summary>
    /// A tiny MNIST-like data set in <paramref name="directory"/>: <paramref name="trainCount"/> and
    /// <paramref name="testCount"/> images of <paramref name="rows"/> × <paramref name="columns"/> pixels whose pixel
    /// (r, c) of image i is (i + r * columns + c) mod 256, labelled i mod 10.
    /// </summary>
    public static void WriteDataSet(string directory, int trainCount, int testCount, int rows, int columns, string suffix = "")
    {
        foreach (var (prefix, count) in new[] { ("train", trainCount), ("t10k", testCount) })
        {
            var pixels = new byte[count * rows * columns];
            for (int i = 0; i < count; i++)
                for (int p = 0; p < rows * columns; p++) pixels[i * rows * columns + p] = (byte)((i + p) % 256);
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
            Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{suffix}"), Bytes([count, rows, columns], pixels));
            Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{suffix}"), Bytes([count], labels));
        }
    }
}
