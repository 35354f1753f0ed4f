using System;
using System.Collections.Generic;

namespace ScratchOptim.Train.Data;

/// <summary>
/// Labelled examples for classification: each a row of features (pixels scaled to [0, 1]) and a class from 0 to
/// <see cref="ClassCount"/> − 1. Immutable once made.
/// </summary>
public sealed class Dataset
{
    private readonly float[] features;
    private readonly byte[] labels;

    /// <summary>Makes a data set over <paramref name="features"/> (row-major, one row per example) and <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">The lengths do not fit, or a label is not below <paramref name="classCount"/>.</exception>
    public Dataset(string name, float[] features, byte[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException($"{name}: {labels.Length} labels need {(long)labels.Length * featureCount} features of {featureCount} each; got {features.Length}.", nameof(features));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
                throw new ArgumentException($"{name}: example {i} has label {labels[i]}; the classes are 0 to {classCount - 1}.", nameof(labels));
        }
        Name = name;
        this.features = features;
        this.labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
    }

    public string Name { get; }

    /// <summary>The number of examples.</summary>
    public int Count => labels.Length;

    /// <summary>Features per example (64 for the 8×8 digits, 784 for MNIST's 28×28).</summary>
    public int FeatureCount { get; }

    public int ClassCount { get; }

    /// <summary>The features of example <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Features(int index) => features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>The class of example <paramref name="index"/>.</summary>
    public int Label(int index) => labels[index];

    /// <summary>The examples at <paramref name="indices"/>, in that order, as a data set of their own.</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string name)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var chosenFeatures = new float[indices.Count * FeatureCount];
        var chosenLabels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Features(indices[i]).CopyTo(chosenFeatures.AsSpan(i * FeatureCount, FeatureCount));
            chosenLabels[i] = labels[indices[i]];
        }
        return new Dataset(name, chosenFeatures, chosenLabels, FeatureCount, ClassCount);
    }
}

/// <summary>A data set divided into the examples trained on and the held-out examples the accuracy is measured on.</summary>
public sealed class DataSplit
{
    /// <exception cref="ArgumentException">The two parts differ in features per example or in classes.</exception>
    public DataSplit(string name, string description, Dataset train, Dataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.FeatureCount != test.FeatureCount || train.ClassCount != test.ClassCount)
            throw new ArgumentException(
                $"{name}: the training examples have {train.FeatureCount} features and {train.ClassCount} classes, the test examples {test.FeatureCount} and {test.ClassCount}.",
                nameof(test));
        Name = name;
        Description = description;
        Train = train;
        Test = test;
    }

    /// <summary>How the tables and pictures name it, e.g. <c>digits</c>.</summary>
    public string Name { get; }

    /// <summary>One line on where it comes from and how it was split.</summary>
    public string Description { get; }

    public Dataset Train { get; }

    public Dataset Test { get; }

    /// <summary>Features per example: the network's input width.</summary>
    public int FeatureCount => Train.FeatureCount;

    public int ClassCount => Train.ClassCount;
}
