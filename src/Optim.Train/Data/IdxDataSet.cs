using System;
using System.IO;
using System.Linq;

namespace ScratchOptim.Train.Data;

/// <summary>
/// MNIST, Fashion-MNIST or any data set laid out like them: a directory with the four IDX files of the original
/// distribution, <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c> (also with a dot before <c>idx</c>, and gzip-compressed as downloaded, <c>.gz</c>).
/// Pixels 0–255 are scaled to [0, 1]; the training and test files are the split.
/// </summary>
public static class IdxDataSet
{
    public const int ClassCount = 10;

    /// <exception cref="FileNotFoundException">The directory or one of the four files is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, or images and labels do not fit together.</exception>
    public static DataSplit Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw new FileNotFoundException($"{directory}: no such directory.", directory);
        var train = Load(directory, "train", "training");
        var test = Load(directory, "t10k", "test");
        if (train.FeatureCount != test.FeatureCount)
            throw new InvalidDataException($"{directory}: the training images have {train.FeatureCount} pixels, the test images {test.FeatureCount}.");
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new DataSplit(name, $"IDX files in {directory}: {train.Count} training and {test.Count} test images of {train.FeatureCount} pixels", train, test);
    }

    private static Dataset Load(string directory, string prefix, string part)
    {
        string imagesPath = Find(directory, prefix, "images", 3);
        string labelsPath = Find(directory, prefix, "labels", 1);
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Count != 3)
            throw IdxFile.Corrupt(imagesPath, 3, $"{images.Shape.Count} dimensions; images have 3 (count, rows, columns).");
        if (labels.Shape.Count != 1)
            throw IdxFile.Corrupt(labelsPath, 3, $"{labels.Shape.Count} dimensions; labels have 1 (count).");
        if (images.Shape[0] != labels.Shape[0])
            throw IdxFile.Corrupt(labelsPath, 4, $"{labels.Shape[0]} labels for the {images.Shape[0]} images of {Path.GetFileName(imagesPath)}.");
        if (images.Shape[0] == 0) throw IdxFile.Corrupt(imagesPath, 4, "no images.");
        int pixels = images.Shape[1] * images.Shape[2];
        if (pixels == 0) throw IdxFile.Corrupt(imagesPath, 8, $"images of {images.Shape[1]}×{images.Shape[2]} pixels.");
        int headerBytes = 4 + 4 * labels.Shape.Count;
        for (int i = 0; i < labels.Data.Length; i++)
        {
            if (labels.Data[i] >= ClassCount)
                throw IdxFile.Corrupt(labelsPath, headerBytes + i, $"label {i} is {labels.Data[i]}; the classes are 0 to {ClassCount - 1}.");
        }
        var features = new float[images.Data.Length];
        for (int i = 0; i < features.Length; i++) features[i] = images.Data[i] / 255f;
        return new Dataset($"{Path.GetFileName(Path.GetFullPath(directory))} ({part})", features, labels.Data, pixels, ClassCount);
    }

    /// <summary>The file for one part, under any of the names it is distributed with.</summary>
    private static string Find(string directory, string prefix, string kind, int rank)
    {
        string[] names =
        [
            $"{prefix}-{kind}-idx{rank}-ubyte", $"{prefix}-{kind}.idx{rank}-ubyte",
            $"{prefix}-{kind}-idx{rank}-ubyte.gz", $"{prefix}-{kind}.idx{rank}-ubyte.gz",
        ];
        return names.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{directory}: no {prefix}-{kind}-idx{rank}-ubyte (or .gz); an IDX data set has train-images-idx3-ubyte, " +
                "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, as MNIST and Fashion-MNIST are distributed.");
    }
}
