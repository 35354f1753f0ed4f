using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ScratchOptim.Train.Data;
using Xunit;

namespace ScratchOptim.Train.Tests;

public class DigitsTests
{
    /// <summary>Images per digit 0–9 in scikit-learn's load_digits (its documentation: about 180 each, 1,797 in all).</summary>
    private static readonly int[] ImagesPerDigit = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

    [Fact]
    public void The_embedded_digits_are_the_1797_images_of_load_digits_split_80_20_per_digit()
    {
        var digits = Digits.Load();

        Assert.Equal(64, digits.FeatureCount);
        Assert.Equal(10, digits.ClassCount);
        Assert.Equal(1797, digits.Train.Count + digits.Test.Count);
        for (int digit = 0; digit < 10; digit++)
        {
            int inTest = Enumerable.Range(0, digits.Test.Count).Count(i => digits.Test.Label(i) == digit);
            int inTrain = Enumerable.Range(0, digits.Train.Count).Count(i => digits.Train.Label(i) == digit);
            Assert.Equal(ImagesPerDigit[digit], inTrain + inTest);
            Assert.Equal((int)Math.Round(0.2 * ImagesPerDigit[digit], MidpointRounding.AwayFromZero), inTest);
        }
        Assert.Equal(359, digits.Test.Count);
    }

    [Fact]
    public void The_first_image_is_scikit_learns_first_zero_scaled_to_the_unit_interval()
    {
        // digits.data[0] and digits.target[0] as scikit-learn returns them.
        int[] counts =
        [
            0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
            0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0,
        ];
        using var file = File.OpenRead(Paths.DigitsFile);

        var all = Digits.Parse(file, "digits.csv.gz");

        Assert.Equal(1797, all.Count);
        Assert.Equal(0, all.Label(0));
        Assert.Equal(counts.Select(count => count / 16f).ToArray(), all.Features(0).ToArray());
    }

    [Fact]
    public void The_split_is_a_partition_of_the_file_and_the_embedded_copy_is_the_committed_file()
    {
        using var file = File.OpenRead(Paths.DigitsFile);
        var all = Digits.Parse(file, "digits.csv.gz");

        var split = Digits.Split(all);
        var embedded = Digits.Load();

        var rows = Rows(all);
        var parts = Rows(split.Train).Concat(Rows(split.Test)).ToList();
        Assert.Equal(rows.Order(StringComparer.Ordinal), parts.Order(StringComparer.Ordinal));
        Assert.Equal(Rows(split.Test), Rows(embedded.Test));
        Assert.Equal(Rows(split.Train), Rows(embedded.Train));
    }

    [Fact]
    public void A_short_line_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidDataException>(() => Digits.Parse(Compressed(ValidLine + "\n1,2,3\n"), "bad.csv.gz"));

        Assert.Equal("bad.csv.gz, line 2: 3 values; a digit has 64 pixels and its label.", error.Message);
    }

    [Theory]
    [InlineData(63, "17", "line 2, value 64: '17' is not a whole number from 0 to 16.")]
    [InlineData(0, "-1", "line 2, value 1: '-1' is not a whole number from 0 to 16.")]
    [InlineData(7, "1.5", "line 2, value 8: '1.5' is not a whole number from 0 to 16.")]
    [InlineData(64, "10", "line 2, value 65: '10' is not a whole number from 0 to 9.")]
    public void A_value_out_of_range_is_named_by_line_and_position(int index, string value, string expected)
    {
        var fields = ValidLine.Split(',');
        fields[index] = value;

        var error = Assert.Throws<InvalidDataException>(() => Digits.Parse(Compressed(ValidLine + "\n" + string.Join(",", fields) + "\n"), "bad.csv.gz"));

        Assert.Equal("bad.csv.gz, " + expected, error.Message);
    }

    /// <summary>64 pixel counts and a label, all in range.</summary>
    private static readonly string ValidLine = string.Join(",", Enumerable.Range(0, 64).Select(i => i % 17)) + ",9";

    private static MemoryStream Compressed(string text)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.ASCII.GetBytes(text));
        compressed.Position = 0;
        return compressed;
    }

    private static List<string> Rows(Dataset data) =>
        [.. Enumerable.Range(0, data.Count).Select(i => string.Join(",", data.Features(i).ToArray()) + ":" + data.Label(i))];
}
