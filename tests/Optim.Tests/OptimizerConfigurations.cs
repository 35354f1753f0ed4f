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
    /// The optimizer, set up; one that starts in evaluation mode and refuses to step until trained (Schedule-Free, with
    /// a Train procedure) is put in train mode, as its training loop would.
    /// </summary>
    public static Optimizer Create(string name, bool everythingOn, IEnumerable<Parameter> parameters, string choice = "")
    {
        var optimizer = Catalog.Find(name)!.Create(parameters);
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
