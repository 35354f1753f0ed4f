using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>The safetensors reader and writer: the format's bytes, round trips, and every kind of corrupt file.</summary>
public class SafeTensorsTests
{
    /// <summary>A file as the format's specification lays it out: length, JSON header, little-endian data.</summary>
    private static byte[] FileWith(string header, byte[] data)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + headerBytes.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        data.CopyTo(file, 8 + headerBytes.Length);
        return file;
    }

    private static byte[] Int32Data(params int[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(i * 4), values[i]);
        return data;
    }

    private static SafeTensorsFile Read(byte[] bytes) => SafeTensorsFile.Read(new MemoryStream(bytes), source: "test.safetensors");

    [Fact]
    public void Reads_a_file_laid_out_as_the_specification_says()
    {
        // The example of the format's documentation: a 2x2 I32 tensor and metadata.
        var bytes = FileWith("""{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"foo":"bar"}}""", Int32Data(1, 2, 3, 4));
        using var file = Read(bytes);
        var info = Assert.Single(file.Tensors);
        Assert.Equal(("test", SafeTensorsDType.I32, 0L, 16L), (info.Name, info.DType, info.Begin, info.End));
        Assert.Equal([2L, 2L], info.Shape);
        Assert.Equal("bar", file.Metadata["foo"]);
        Assert.Equal([1, 2, 3, 4], file.ReadArray<int>("test"));
    }

    [Fact]
    public void Writes_the_header_the_data_and_nothing_else()
    {
        var writer = new SafeTensorsWriter().Add<int>("test", new[] { 1, 2, 3, 4 }, [2, 2]);
        writer.Metadata["foo"] = "bar";
        var stream = new MemoryStream();
        writer.WriteTo(stream);
        var bytes = stream.ToArray();

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal("""{"__metadata__":{"foo":"bar"},"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}""", header.TrimEnd(' '));
        Assert.Equal(0, (8 + (int)headerLength) % 8); // the data is 8-byte aligned
        Assert.Equal(Int32Data(1, 2, 3, 4), bytes[(8 + (int)headerLength)..]);
        Assert.Equal(bytes.Length, writer.Length);
    }

    [Fact]
    public void Every_dtype_round_trips_with_its_shape()
    {
        var floats = new[] { 1.5f, -0f, float.NaN, float.PositiveInfinity, float.Epsilon, 3 };
        var doubles = new[] { Math.PI, -0.0, double.NegativeInfinity };
        var longs = new[] { long.MinValue, 0, long.MaxValue, 42 };
        var writer = new SafeTensorsWriter()
            .Add<float>("model.w", floats, [2, 3])
            .Add<double>("optimizer.state.0.exp_avg", doubles)
            .Add<long>("step", longs, [2, 1, 2])
            .Add<float>("empty", Array.Empty<float>(), [0, 4])
            .Add<byte>("scalar", new byte[] { 7 }, []);
        var stream = new MemoryStream();
        writer.WriteTo(stream);
        using var file = Read(stream.ToArray());
        Assert.Equal(floats.Select(BitConverter.SingleToInt32Bits), file.ReadArray<float>("model.w").Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(doubles.Select(BitConverter.DoubleToInt64Bits), file.ReadArray<double>("optimizer.state.0.exp_avg").Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(longs, file.ReadArray<long>("step"));
        Assert.Equal([2L, 1L, 2L], file["step"].Shape);
        Assert.Empty(file.ReadArray<float>("empty"));
        Assert.Equal([0L, 4L], file["empty"].Shape);
        Assert.Empty(file["scalar"].Shape);
        Assert.Equal((byte)7, file.ReadArray<byte>("scalar")[0]);
    }

    [Fact]
    public void A_tensor_read_as_another_dtype_or_length_is_refused()
    {
        var stream = new MemoryStream();
        new SafeTensorsWriter().Add<float>("w", new float[3]).WriteTo(stream);
        using var file = Read(stream.ToArray());
        Assert.Contains("tensor 'w' holds F32; it was read as F64", Assert.Throws<InvalidDataException>(() => file.ReadArray<double>("w")).Message);
        Assert.Throws<ArgumentException>(() => file.ReadInto<float>("w", new float[4]));
        Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => file.ReadArray<float>("v"));
    }

    [Fact]
    public void The_writer_refuses_bad_tensors()
    {
        var writer = new SafeTensorsWriter().Add<float>("w", new float[6], [2, 3]);
        Assert.Throws<ArgumentException>(() => writer.Add<float>("w", new float[1]));
        Assert.Throws<ArgumentException>(() => writer.Add<float>("v", new float[6], [4, 2]));
        Assert.Throws<ArgumentException>(() => writer.Add<float>("u", new float[0], [-1, 0]));
        Assert.Throws<ArgumentException>(() => writer.Add<float>("__metadata__", new float[1]));
        Assert.Throws<NotSupportedException>(() => writer.Add<decimal>("d", new decimal[1]));
    }

    public static TheoryData<string, string, byte[], string> CorruptFiles => new()
    {
        { "truncated data", """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[12], "run past the end of the data" },
        { "bytes after the last tensor", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[12], "4 bytes belong to no tensor" },
        { "overlapping tensors", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12], "tensor 'b' (bytes 4 to 12) overlaps tensor 'a'" },
        { "a gap between tensors", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", new byte[12], "bytes 4 to 8 of the data belong to no tensor" },
        { "offsets disagreeing with the shape", """{"w":{"dtype":"F64","shape":[3],"data_offsets":[0,12]}}""", new byte[12], "hold 12 bytes, but shape [3] of F64 needs 24" },
        { "offsets ending before they begin", """{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}""", new byte[8], "end before they begin" },
        { "a negative dimension", """{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", new byte[4], "'shape' element 0 is not a whole number of at least 0" },
        { "a shape too large", """{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", new byte[8], "is too large" },
        { "an unknown dtype", """{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", new byte[16], "unknown dtype 'F128'" },
        { "a duplicate tensor", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8], "the key 'w' twice" },
        { "a duplicate field", """{"w":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}""", new byte[4], "'dtype' twice" },
        { "an unknown field", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}}""", new byte[4], "unknown field 'stride'" },
        { "a missing field", """{"w":{"dtype":"F32","shape":[1]}}""", new byte[4], "lacks 'data_offsets'" },
        { "three offsets", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", new byte[4], "'data_offsets' is not a list of 2 whole numbers" },
        { "metadata that is not text", """{"__metadata__":{"epoch":3},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4], "metadata 'epoch' is not a string" },
        { "a header that is not JSON", """{"w":{"dtype":"F32",""", new byte[0], "the header is not valid JSON" },
        { "a header that is not an object", """["w"]""", new byte[0], "does not start with '{'" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_corrupt_file_is_refused_saying_what_is_wrong(string what, string header, byte[] data, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(FileWith(header, data)));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("test.safetensors: not a valid safetensors file: ", error.Message);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void A_header_that_is_not_UTF8_is_refused()
    {
        var bytes = FileWith("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]);
        bytes[10] = 0xFF;
        Assert.Contains("not valid UTF-8 (at byte 10)", Assert.Throws<InvalidDataException>(() => Read(bytes)).Message);
    }

    [Fact]
    public void A_header_length_beyond_the_limit_or_the_file_is_refused_without_reading_it()
    {
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("more than the 100000000 allowed", Assert.Throws<InvalidDataException>(() => Read(huge)).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 1000);
        Assert.Contains("only 8 bytes follow it", Assert.Throws<InvalidDataException>(() => Read(huge)).Message);
        Assert.Contains("the file has 3 bytes", Assert.Throws<InvalidDataException>(() => Read(new byte[3])).Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused()
    {
        var writer = new SafeTensorsWriter().Add<float>("a", new float[] { 1, 2, 3 }).Add<long>("b", new long[] { 4 });
        writer.Metadata["note"] = "x";
        var stream = new MemoryStream();
        writer.WriteTo(stream);
        var bytes = stream.ToArray();
        for (int length = 0; length < bytes.Length; length++)
            Assert.Throws<InvalidDataException>(() => Read(bytes[..length]));
        using var whole = Read(bytes);
        Assert.Equal([1f, 2f, 3f], whole.ReadArray<float>("a"));
    }

    [Fact]
    public void Files_are_read_from_disk_and_saved_atomically()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        new SafeTensorsWriter().Add<double>("w", new[] { 1.0, 2.0 }).Save(path);
        using (var file = SafeTensorsFile.Open(path))
            Assert.Equal([1.0, 2.0], file.ReadArray<double>("w"));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }
}
