using System;
using System.IO;
using System.Linq;
using ScratchOptim.Train.Data;
using Xunit;

namespace ScratchOptim.Train.Tests;

/// <summary>The MNIST/Fashion-MNIST loader on small IDX files written here byte by byte.</summary>
public class IdxTests
{
    [Theory]
    [InlineData("")]
    [InlineData(".gz")]
    public void A_directory_of_the_four_files_loads_as_training_and_test_images_scaled_to_the_unit_interval(string suffix)
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 12, testCount: 5, rows: 3, columns: 4, suffix);

        var data = IdxDataSet.Load(directory.Path);

        Assert.Equal(12, data.Train.Count);
        Assert.Equal(5, data.Test.Count);
        Assert.Equal(12, data.FeatureCount);
        Assert.Equal(10, data.ClassCount);
        Assert.Equal(Path.GetFileName(directory.Path), data.Name);
        // Image 7's pixel p is (7 + p) mod 256, its label 7; pixels are divided by 255.
        Assert.Equal(Enumerable.Range(7, 12).Select(value => value / 255f).ToArray(), data.Train.Features(7).ToArray());
        Assert.Equal(7, data.Train.Label(7));
        Assert.Equal(3, data.Test.Label(3));
        Assert.Equal(Enumerable.Range(4, 12).Select(value => value / 255f).ToArray(), data.Test.Features(4).ToArray());
    }

    [Fact]
    public void Pixels_of_255_become_exactly_one()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 300, testCount: 1, rows: 1, columns: 1);

        var data = IdxDataSet.Load(directory.Path);

        Assert.Equal(1f, data.Train.Features(255)[0]);
        Assert.Equal(0f, data.Train.Features(256)[0]);
    }

    [Fact]
    public void The_dotted_names_of_some_mirrors_are_found_too()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 3, testCount: 2, rows: 2, columns: 2);
        foreach (string file in Directory.GetFiles(directory.Path))
            File.Move(file, file.Replace("-idx", ".idx", StringComparison.Ordinal));

        Assert.Equal(3, IdxDataSet.Load(directory.Path).Train.Count);
    }

    [Fact]
    public void A_missing_file_names_the_four_files_expected()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 3, testCount: 2, rows: 2, columns: 2);
        File.Delete(directory.File("t10k-labels-idx1-ubyte"));

        var error = Assert.Throws<FileNotFoundException>(() => IdxDataSet.Load(directory.Path));

        Assert.Contains("no t10k-labels-idx1-ubyte", error.Message);
        Assert.Contains("train-images-idx3-ubyte", error.Message);
    }

    [Fact]
    public void A_missing_directory_is_a_file_not_found_error()
    {
        Assert.Throws<FileNotFoundException>(() => IdxDataSet.Load(Path.Combine(Path.GetTempPath(), "no-such-idx-" + Guid.NewGuid().ToString("N"))));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8 }, "byte 3: the file ends after 3 bytes, inside the 4-byte header.")]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 1 }, "byte 0: an IDX file starts with two zero bytes; this one starts with 0x1F 0x8B.")]
    [InlineData(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0 }, "byte 2: values of type 0x0D (32-bit floats); only unsigned bytes (0x08), MNIST's type, are read.")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "byte 3: the array has 0 dimensions; IDX images have 3 and labels 1.")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0 }, "byte 6: the file ends inside the sizes of its 1 dimensions (8 header bytes).")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 4, 1, 2 }, "byte 10: the file is cut short: its [4] array needs 4 bytes of values; there are 2.")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3 }, "byte 10: more bytes follow the 2 values of the [2] array.")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0 }, "byte 8: dimension 1 has size 65536, which makes 4294967296 values: more than the 268435456 this reader accepts.")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff }, "byte 8: dimension 1 has size 4294967295: more than the 268435456 values this reader accepts.")]
    public void A_corrupt_file_is_refused_naming_the_file_and_the_byte(byte[] bytes, string expected)
    {
        using var directory = new TempDirectory();
        string path = directory.File("labels-idx1-ubyte");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}, {expected}", error.Message);
    }

    [Fact]
    public void A_gzip_file_that_is_not_gzip_is_refused_as_such()
    {
        using var directory = new TempDirectory();
        string path = directory.File("train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, IdxWriter.Bytes([2], [1, 2]));

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}, byte 0: not a valid gzip file", error.Message);
    }

    [Fact]
    public void A_compressed_file_cut_short_reports_the_offset_in_decompressed_bytes()
    {
        using var directory = new TempDirectory();
        string path = directory.File("train-images-idx3-ubyte.gz");
        var bytes = IdxWriter.Bytes([3, 2, 2], new byte[12]);
        IdxWriter.Write(path, bytes[..^5]);

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}, byte 23: the file is cut short: its [3, 2, 2] array needs 12 bytes of values; there are 7.", error.Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_images_are_refused()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 4, testCount: 2, rows: 2, columns: 2);
        IdxWriter.Write(directory.File("train-labels-idx1-ubyte"), IdxWriter.Bytes([3], [0, 1, 2]));

        var error = Assert.Throws<InvalidDataException>(() => IdxDataSet.Load(directory.Path));

        Assert.Contains("train-labels-idx1-ubyte, byte 4: 3 labels for the 4 images of train-images-idx3-ubyte.", error.Message);
    }

    [Fact]
    public void A_label_of_ten_or_more_is_refused_at_its_byte()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 4, testCount: 2, rows: 2, columns: 2);
        IdxWriter.Write(directory.File("t10k-labels-idx1-ubyte"), IdxWriter.Bytes([2], [3, 10]));

        var error = Assert.Throws<InvalidDataException>(() => IdxDataSet.Load(directory.Path));

        Assert.Contains("t10k-labels-idx1-ubyte, byte 9: label 1 is 10; the classes are 0 to 9.", error.Message);
    }

    [Fact]
    public void Training_and_test_images_of_different_sizes_are_refused()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 4, testCount: 2, rows: 2, columns: 2);
        IdxWriter.Write(directory.File("t10k-images-idx3-ubyte"), IdxWriter.Bytes([2, 3, 3], new byte[18]));

        var error = Assert.Throws<InvalidDataException>(() => IdxDataSet.Load(directory.Path));

        Assert.Contains("the training images have 4 pixels, the test images 9", error.Message);
    }

    [Fact]
    public void Images_given_as_a_one_dimensional_array_are_refused()
    {
        using var directory = new TempDirectory();
        IdxWriter.WriteDataSet(directory.Path, trainCount: 4, testCount: 2, rows: 2, columns: 2);
        IdxWriter.Write(directory.File("train-images-idx3-ubyte"), IdxWriter.Bytes([4], new byte[4]));

        var error = Assert.Throws<InvalidDataException>(() => IdxDataSet.Load(directory.Path));

        Assert.Contains("train-images-idx3-ubyte, byte 3: 1 dimensions; images have 3 (count, rows, columns).", error.Message);
    }
}
