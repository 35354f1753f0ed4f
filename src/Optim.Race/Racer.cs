using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Race;

/// <summary>
/// An optimizer entered in a race: one from the library, with settings that differ from its defaults, under the
/// label the tables show (e.g. SGD with momentum 0.9 as <c>SGD+momentum</c>).
/// </summary>
public sealed record Racer(string Label, OptimizerEntry Optimizer, IReadOnlyList<KeyValuePair<string, object>> Settings)
{
    /// <summary>
    /// Whether it can race on <paramref name="landscape"/>: the optimizer takes parameters of the landscape's rank
    /// (<see cref="OptimizerInfo.MinRank"/> to <see cref="OptimizerInfo.MaxRank"/>); Muon, of matrices only, races only
    /// on a matrix landscape.
    /// </summary>
    public bool Accepts(ILandscape landscape) => AcceptsRank(landscape.Shape.Count);

    /// <summary>Whether it can race on a landscape whose position is a vector.</summary>
    public bool TakesVectors => AcceptsRank(1);

    private bool AcceptsRank(int rank) => Optimizer.Info.MinRank <= rank && rank <= Optimizer.Info.MaxRank;

    /// <summary>The learning rate it races at when none is given: the optimizer's own default, after these settings.</summary>
    /// <exception cref="ArgumentException">
    /// The optimizer has no learning rate, or declares none by default (<c>lr = null</c>, a rate it picks itself).
    /// </exception>
    public double DefaultLearningRate =>
        Create(SmallestParameter(), null).GroupHyperparameters(0).Get("lr") is { } lr
            ? Convert.ToDouble(lr, CultureInfo.InvariantCulture)
            : throw new ArgumentException(
                $"{Label} declares no default learning rate (lr = null: the optimizer picks its own), so a race has none to start from; give one, e.g. {Label}:0.001.");

    /// <summary>Creates the optimizer over <paramref name="parameter"/> with these settings and, unless null, this learning rate.</summary>
    /// <exception cref="ArgumentException">The optimizer has no learning rate (a hyperparameter <c>lr</c>), or rejects a setting.</exception>
    public Optimizer Create(Parameter parameter, double? learningRate)
    {
        // An optimizer of the user's own may call its step size something else; the race has no other name to set.
        if (!Optimizer.Info.Hyperparameters.Any(hyper => hyper.Name == "lr"))
            throw new ArgumentException($"{Label} has no hyperparameter 'lr', the learning rate a race sets; only optimizers with one can race.");
        var optimizer = Optimizer.Create([parameter]);
        var hyperparameters = optimizer.GroupHyperparameters(0);
        foreach (var (name, value) in Settings) hyperparameters.Set(name, value);
        if (learningRate is { } lr) hyperparameters.Set("lr", lr);
        return optimizer;
    }

    /// <summary>One element, with as many dimensions as the optimizer needs at least (a 1 × 1 matrix for Muon).</summary>
    private Parameter<float> SmallestParameter() =>
        new(new float[1], Enumerable.Repeat(1, Math.Max(1, Optimizer.Info.MinRank)).ToArray());
}
