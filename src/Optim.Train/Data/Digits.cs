using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using ScratchOptim.Race.Numerics;

namespace ScratchOptim.Train.Data;

/// <summary>
/// The 1,797 handwritten digits of scikit-learn's <c>load_digits</c> (UCI optical recognition of handwritten digits;
/// BSD-3, see Data/Digits/README.md), embedded in this assembly: 8×8 images of pixel counts 0–16, scaled to [0, 1].
/// </summary>
public static class Digits
{
    public const int ImageSide = 8;
    public const int FeatureCount = ImageSide * ImageSide;
    public const int ClassCount = 10;

    /// <summary>The share of each digit's images held out for testing.</summary>
    public const double TestShare = 0.2;

    /// <summary>Seeds the split, not the training: every run, whatever its <c>--seed</c>, tests on the same images.</summary>
    public const ulong SplitSeed = 2024;

    private const string ResourceName = "ScratchOptim.Train.digits.csv.gz";

    /// <summary>The digits, split into training and test images by <see cref="Split"/>.</summary>
    public static DataSplit Load()
    {
        using var stream = typeof(Digits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The digits ({ResourceName}) are not embedded in {typeof(Digits).Assembly.GetName().Name}.");
        return Split(Parse(stream, "digits.csv.gz"));
    }

    /// <summary>
    /// A stratified split fixed by <see cref="SplitSeed"/>: each digit's images, in file order, are shuffled and the
    /// first <see cref="TestShare"/> of them (rounded) go to the test set; both sets keep file order.
    /// </summary>
    public static DataSplit Split(Dataset all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var random = new SplitMix64(SplitSeed);
        var test = new List<int>();
        for (int digit = 0; digit < all.ClassCount; digit++)
        {
            var ofDigit = Enumerable.Range(0, all.Count).Where(i => all.Label(i) == digit).ToArray();
            Shuffle.Permute(ofDigit, random);
            test.AddRange(ofDigit.Take((int)Math.Round(TestShare * ofDigit.Length, MidpointRounding.AwayFromZero)));
        }
        var isTest = new bool[all.Count];
        foreach (int i in test) isTest[i] = true;
        var trainIndices = Enumerable.Range(0, all.Count).Where(i => !isTest[i]).ToArray();
        var testIndices = Enumerable.Range(0, all.Count).Where(i => isTest[i]).ToArray();
        return new DataSplit("digits",
            $"scikit-learn's handwritten digits (UCI), 8×8: {trainIndices.Length} training and {testIndices.Length} test images",
            all.Subset(trainIndices, "digits (train)"), all.Subset(testIndices, "digits (test)"));
    }

    /// <summary>Reads the gzip-compressed CSV: per line 64 pixel counts (0–16) and the digit.</summary>
    /// <exception cref="InvalidDataException">A line is not 65 whole numbers in range; the message names the line.</exception>
    public static Dataset Parse(Stream compressed, string source)
    {
        var features = new List<float>();
        var labels = new List<byte>();
        using var reader = new StreamReader(new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true));
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != FeatureCount + 1)
                throw new InvalidDataException($"{source}, line {lineNumber}: {fields.Length} values; a digit has {FeatureCount} pixels and its label.");
            for (int i = 0; i <= FeatureCount; i++)
            {
                int max = i < FeatureCount ? 16 : ClassCount - 1;
                if (!int.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > max)
                    throw new InvalidDataException($"{source}, line {lineNumber}, value {i + 1}: '{fields[i]}' is not a whole number from 0 to {max}.");
                if (i < FeatureCount) features.Add(value / 16f);
                else labels.Add((byte)value);
            }
        }
        return new Dataset("digits", [.. features], [.. labels], FeatureCount, ClassCount);
    }
}
