using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Tests;

/// <summary>
/// Settings that exercise each built-in optimizer's branches: its defaults, and "everything on" (every bool
/// hyperparameter true, every double that defaults to 0 given a small non-zero value), each with every value of its
/// enum hyperparameters (the PyTorch version to reproduce), so both versions' arithmetic is covered.
/// </summary>
internal static class OptimizerConfigurations
{
    /// <summary>(optimizer, everything on, enum setting as "name=Member" or "" when the optimizer has none).</summary>
    public static IEnumerable<object[]> All() =>
        from entry in Catalog.All
        from everythingOn in new[] { false, true }
        from choice in EnumChoices(entry.Info)
        select new object[] { entry.Info.Name, everythingOn, choice };

    /// <summary>
    /// The shapes a test gives an optimizer: those of <paramref name="shapes"/> it takes, or, for one that does matrix
    /// work, small matrices with both kinds of sides, a vector (each side is a factorization or a Newton–Schulz
    /// iteration, so a long vector would make a large matrix) and a tensor of three dimensions (for one that takes any
    /// rank and does its matrix work under a rank guard, as MARS), again those it takes.
    /// </summary>
    public static int[][] ShapesFor(string name, params int[][] shapes)
    {
        var info = Catalog.Find(name)!.Info;
        var candidates = info.MatrixOperations.Count > 0 ? MatrixShapes : shapes;
        return candidates.Where(shape => shape.Length >= info.MinRank && shape.Length <= info.MaxRank).ToArray();
    }

    private static readonly int[][] MatrixShapes = [[1, 1], [5, 7], [9, 33], [33, 9], [37], [2, 3, 5]];

    /// <summary>
    /// The optimizer, set up; one that starts in evaluation mode and refuses to step until trained (Schedule-Free, with
    /// a Train procedure) is put in train mode, as its training loop would.
    /// </summary>
    public static Optimizer Create(string name, bool everythingOn, IEnumerable<Parameter> parameters, string choice = "")
    {
        // MuonWithAuxAdam's Muon groups take matrices only (as the authors'): the other tensors go to an Adam group.
        var all = parameters.ToList();
        var others = name == nameof(MuonWithAuxAdam) ? all.Where(p => p.Shape.Count != 2).ToList() : [];
        var optimizer = Catalog.Find(name)!.Create(others.Count == all.Count ? all : all.Except(others));
        if (others.Count > 0 && others.Count < all.Count) optimizer.AddGroup(others).Set("useMuon", false);
        if (others.Count == all.Count && others.Count > 0) optimizer.GroupHyperparameters(0).Set("useMuon", false);
        var settings = optimizer.GroupHyperparameters(0);
        if (everythingOn) TurnEverythingOn(settings);
        if (choice.Length > 0) settings.Set(choice[..choice.IndexOf('=')], choice[(choice.IndexOf('=') + 1)..]);
        if (optimizer.Info.Procedures.Any(procedure => procedure.Name == "Train")) optimizer.RunProcedure("Train");
        return optimizer;
    }

    public static void TurnEverythingOn(HyperparameterSet settings)
    {
        foreach (var hyper in settings.Optimizer.Hyperparameters)
        {
            if (hyper.Type == "bool") settings.Set(hyper.Name, true);
            else if (hyper.Type == "double" && double.Parse(hyper.Default, CultureInfo.InvariantCulture) == 0 && hyper.Min <= 0.05 && hyper.Max >= 0.05) settings.Set(hyper.Name, 0.05);
        }
    }

    /// <summary>Every value of every enum hyperparameter, one at a time; just "" for an optimizer without one.</summary>
    private static IEnumerable<string> EnumChoices(OptimizerInfo info)
    {
        var choices = info.Hyperparameters.Where(h => h.Values is not null).SelectMany(h => h.Values!.Select(value => h.Name + "=" + value)).ToList();
        return choices.Count > 0 ? choices : [""];
    }
}
