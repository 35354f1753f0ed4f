using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Tests;

/// <summary>
/// Settings that exercise each built-in optimizer's branches: its defaults, and "everything on" (every bool
/// hyperparameter true, every double that defaults to 0 given a small non-zero value). Read from a new optimizer's
/// settings, so the values are its defaults.
/// </summary>
internal static class OptimizerConfigurations
{
    public static IEnumerable<object[]> All() =>
        Catalog.All.SelectMany(entry => new[] { new object[] { entry.Info.Name, false }, new object[] { entry.Info.Name, true } });

    public static Optimizer Create(string name, bool everythingOn, IEnumerable<Parameter> parameters)
    {
        var optimizer = Catalog.Find(name)!.Create(parameters);
        if (everythingOn) TurnEverythingOn(optimizer.GroupHyperparameters(0));
        return optimizer;
    }

    public static void TurnEverythingOn(HyperparameterSet settings)
    {
        foreach (var hyper in settings.Optimizer.Hyperparameters)
        {
            if (hyper.Type == "bool") settings.Set(hyper.Name, true);
            else if (settings.Get(hyper.Name) is 0.0 && hyper.Min <= 0.05 && hyper.Max >= 0.05) settings.Set(hyper.Name, 0.05);
        }
    }
}
