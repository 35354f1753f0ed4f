using System.Collections.Generic;

namespace ScratchOptim.Race;

/// <summary>
/// An optimizer entered in a race: one from the library, with settings that differ from its defaults, under the
/// label the tables show (e.g. SGD with momentum 0.9 as <c>SGD+momentum</c>).
/// </summary>
public sealed record Racer(string Label, OptimizerEntry Optimizer, IReadOnlyList<KeyValuePair<string, object>> Settings)
{
    /// <summary>The optimizer's own default learning rate.</summary>
    public double DefaultLearningRate => (double)Create(new Parameter<float>([0f]), null).GroupHyperparameters(0).Get("lr");

    /// <summary>Creates the optimizer over <paramref name="parameter"/> with these settings and, unless null, this learning rate.</summary>
    /// <exception cref="System.ArgumentException">The optimizer rejects a setting.</exception>
    public Optimizer Create(Parameter parameter, double? learningRate)
    {
        var optimizer = Optimizer.Create([parameter]);
        var hyperparameters = optimizer.GroupHyperparameters(0);
        foreach (var (name, value) in Settings) hyperparameters.Set(name, value);
        if (learningRate is { } lr) hyperparameters.Set("lr", lr);
        return optimizer;
    }
}
