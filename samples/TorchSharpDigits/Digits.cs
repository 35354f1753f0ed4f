using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace ScratchOptim.Samples.TorchSharpDigits;

/// <summary>
/// Handwritten digits as 8×8 images: per image 64 pixel values in [0, 1] (row by row) and its digit. Read from a file
/// in scikit-learn's <c>digits.csv.gz</c> format (<c>load_digits</c>: per line 64 pixel counts 0–16 and the digit), or
/// drawn by <see cref="Synthetic"/> when no such file is at hand.
/// </summary>
internal sealed class Digits
{
    public const int Side = 8;
    public const int PixelCount = Side * Side;
    public const int ClassCount = 10;

    /// <summary>Where the data comes from unless <c>--data</c> says: the first of these files that exists.</summary>
    private static readonly string[] KnownFiles =
    [
        // The repository's copy of scikit-learn's digits (with its licence), which `optim train` uses.
        "src/Optim.Train/Data/Digits/digits.csv.gz",
        // scikit-learn's own copy, in Debian's python3-sklearn.
        "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz",
    ];

    private Digits(float[] pixels, long[] labels, string source)
    {
        Pixels = pixels;
        Labels = labels;
        Source = source;
    }

    /// <summary>The pixels of every image, image after image, each row by row, scaled to [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>The digit of every image.</summary>
    public long[] Labels { get; }

    /// <summary>Where the images came from, for the report.</summary>
    public string Source { get; }

    public int Count => Labels.Length;

    /// <summary>
    /// The digits of <paramref name="path"/>, or of the first known file found (relative paths are looked up from
    /// the current directory upwards, so the repository's copy is found from anywhere inside it), or else
    /// synthetic digits.
    /// </summary>
    public static Digits Load(string? path)
    {
        if (path is not null) return Read(path);
        foreach (string known in KnownFiles)
        {
            if (Find(known) is { } found) return Read(found);
        }
        return Synthetic(perDigit: 180, seed: 8);
    }

    /// <summary>Reads a digits CSV, gzip-compressed when its name ends in .gz.</summary>
    /// <exception cref="InvalidDataException">A line is not 64 pixel counts from 0 to 16 and a digit; the message names the line.</exception>
    public static Digits Read(string path)
    {
        using var file = File.OpenRead(path);
        using var text = new StreamReader(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file);
        var pixels = new List<float>();
        var labels = new List<long>();
        int lineNumber = 0;
        while (text.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] fields = line.Split(',');
            if (fields.Length != PixelCount + 1)
                throw new InvalidDataException($"{path}, line {lineNumber}: {fields.Length} values; a digit has {PixelCount} pixel counts and its label.");
            for (int i = 0; i <= PixelCount; i++)
            {
                int max = i < PixelCount ? 16 : ClassCount - 1;
                if (!int.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > max)
                    throw new InvalidDataException($"{path}, line {lineNumber}, value {i + 1}: '{fields[i]}' is not a whole number from 0 to {max}.");
                if (i < PixelCount) pixels.Add(value / 16f);
                else labels.Add(value);
            }
        }
        return new Digits([.. pixels], [.. labels], $"{labels.Count} digits from {path}");
    }

    /// <summary>
    /// Digits drawn from a 5×7 font, each at a random place on the 8×8 grid, with random stroke thickness, missing
    /// stroke pixels and background noise, as pixel counts 0–16 like scikit-learn's: the same images for the same
    /// seed on every machine (System.Random with a seed is reproducible).
    /// </summary>
    public static Digits Synthetic(int perDigit, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[perDigit * ClassCount * PixelCount];
        var labels = new long[perDigit * ClassCount];
        var counts = new int[PixelCount];
        for (int image = 0; image < labels.Length; image++)
        {
            int digit = image % ClassCount;
            labels[image] = digit;
            Array.Clear(counts);
            int left = random.Next(0, Side - 5 + 1), top = random.Next(0, Side - 7 + 1);
            bool bold = random.NextDouble() < 0.4;
            for (int row = 0; row < 7; row++)
            {
                for (int column = 0; column < 5; column++)
                {
                    if (Font[digit][row][column] != '#' || random.NextDouble() < 0.1) continue;
                    int at = (top + row) * Side + left + column;
                    counts[at] = Math.Max(counts[at], random.Next(11, 17));
                    // A bold pen also darkens the pixel to the right, where there is one.
                    if (bold && left + column + 1 < Side) counts[at + 1] = Math.Max(counts[at + 1], random.Next(4, 12));
                }
            }
            for (int i = 0; i < PixelCount; i++)
            {
                int count = Math.Min(16, counts[i] + (random.NextDouble() < 0.15 ? random.Next(1, 5) : 0));
                pixels[image * PixelCount + i] = count / 16f;
            }
        }
        return new Digits(pixels, labels, $"{labels.Length} synthetic digits (no digits file found; see README.md)");
    }

    /// <summary>
    /// A stratified split fixed by <paramref name="seed"/>: a shuffled <paramref name="testShare"/> of each digit's
    /// images (rounded) is held out for testing.
    /// </summary>
    public (Digits Train, Digits Test) Split(double testShare, int seed)
    {
        var random = new Random(seed);
        var isTest = new bool[Count];
        for (int digit = 0; digit < ClassCount; digit++)
        {
            int[] ofDigit = Enumerable.Range(0, Count).Where(i => Labels[i] == digit).ToArray();
            random.Shuffle(ofDigit);
            foreach (int i in ofDigit.Take((int)Math.Round(testShare * ofDigit.Length))) isTest[i] = true;
        }
        return (Subset(i => !isTest[i], "training"), Subset(i => isTest[i], "test"));
    }

    private Digits Subset(Func<int, bool> keep, string part)
    {
        int[] indices = Enumerable.Range(0, Count).Where(keep).ToArray();
        var pixels = new float[indices.Length * PixelCount];
        for (int i = 0; i < indices.Length; i++)
            Pixels.AsSpan(indices[i] * PixelCount, PixelCount).CopyTo(pixels.AsSpan(i * PixelCount));
        return new Digits(pixels, indices.Select(i => Labels[i]).ToArray(), $"{indices.Length} {part} images of {Source}");
    }

    private static string? Find(string path)
    {
        if (Path.IsPathRooted(path)) return File.Exists(path) ? path : null;
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, path);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The digits 0–9 in a 5×7 pixel font.</summary>
    private static readonly string[][] Font =
    [
        [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
        ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
    ];
}
