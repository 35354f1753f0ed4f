using System.Collections.Generic;
using System.Globalization;

namespace ScratchOptim;

/// <summary>
/// The documentation of an optimizer, generated from its declaration: what it is, where it comes from, what it
/// keeps per parameter and the update it computes.
/// </summary>
/// <param name="Name">The class name.</param>
/// <param name="Summary">The summary of the declaration's XML documentation.</param>
/// <param name="Year">Year of publication.</param>
/// <param name="Authors">Authors of the paper.</param>
/// <param name="Paper">Link to the paper.</param>
/// <param name="BuildsOn">The optimizer it builds on, if any.</param>
/// <param name="Family">Its family (e.g. "momentum", "adaptive").</param>
/// <param name="PyTorch">The PyTorch class it reproduces, if any.</param>
/// <param name="StepState">PyTorch's name for the step counter in the state, if PyTorch keeps one.</param>
/// <param name="Contraction">How multiply-adds are rounded ("fused" or "strict").</param>
/// <param name="Hyperparameters">The hyperparameters, in declaration order.</param>
/// <param name="States">The state, in declaration order.</param>
/// <param name="Update">The update as declared, one line per statement, in plain text.</param>
/// <param name="UpdateLatex">The same update in LaTeX, one line per statement.</param>
/// <param name="Hoisted">The step-uniform values the generator computes once per step instead of per element.</param>
public sealed record OptimizerInfo(
    string Name,
    string Summary,
    int Year,
    string? Authors,
    string? Paper,
    string? BuildsOn,
    string? Family,
    string? PyTorch,
    string? StepState,
    string Contraction,
    IReadOnlyList<HyperparameterInfo> Hyperparameters,
    IReadOnlyList<StateInfo> States,
    IReadOnlyList<string> Update,
    IReadOnlyList<string> UpdateLatex,
    IReadOnlyList<HoistedInfo> Hoisted)
{
    /// <summary>Bytes of state per parameter element when every buffer is allocated.</summary>
    public int BytesPerElement
    {
        get
        {
            int total = 0;
            foreach (var state in States) total += state.BytesPerElement;
            return total;
        }
    }
}

/// <summary>A hyperparameter of an optimizer.</summary>
/// <param name="Name">The declared name, also the constructor parameter's name.</param>
/// <param name="TorchName">PyTorch's keyword (<c>"betas[0]"</c> for a tuple element).</param>
/// <param name="Type"><c>double</c>, <c>bool</c> or <c>int</c>.</param>
/// <param name="Default">The default as the declaration writes it (<c>1e-8</c>, <c>0.9</c>, <c>false</c>); a default given by a constant's name is shown as its value.</param>
/// <param name="Min">Smallest allowed value.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> is excluded.</param>
/// <param name="Max">Largest allowed value.</param>
/// <param name="MaxExclusive">Whether <paramref name="Max"/> is excluded.</param>
/// <param name="Description">The summary of the field's XML documentation.</param>
public sealed record HyperparameterInfo(
    string Name,
    string TorchName,
    string Type,
    string Default,
    double Min,
    bool MinExclusive,
    double Max,
    bool MaxExclusive,
    string Description)
{
    /// <summary>The allowed range in interval notation, e.g. <c>[0, 1)</c>; empty for <c>bool</c>.</summary>
    public string Range => Type == "bool" ? "" : FormatRange(Min, MinExclusive, Max, MaxExclusive);

    /// <summary>Formats a range in interval notation.</summary>
    public static string FormatRange(double min, bool minExclusive, double max, bool maxExclusive)
    {
        string low = double.IsNegativeInfinity(min) ? "-∞" : min.ToString("R", CultureInfo.InvariantCulture);
        string high = double.IsPositiveInfinity(max) ? "∞" : max.ToString("R", CultureInfo.InvariantCulture);
        return $"{(minExclusive || double.IsNegativeInfinity(min) ? "(" : "[")}{low}, {high}{(maxExclusive || double.IsPositiveInfinity(max) ? ")" : "]")}";
    }
}

/// <summary>A state of an optimizer: a buffer with one float per parameter element, or one float per tensor.</summary>
/// <param name="Name">The declared name.</param>
/// <param name="TorchName">PyTorch's name for it in <c>optimizer.state[p]</c>.</param>
/// <param name="Initial">What it holds when allocated: <c>0</c> or a hyperparameter's name.</param>
/// <param name="BytesPerElement">Bytes it takes per parameter element (0 for a per-tensor value).</param>
/// <param name="AllocatedWhen">The condition under which it is allocated, or <c>always</c>.</param>
/// <param name="PerTensor">Whether it is one float per tensor (PyTorch keeps such state as a 0-dim tensor).</param>
public sealed record StateInfo(string Name, string TorchName, string Initial, int BytesPerElement, string AllocatedWhen, bool PerTensor = false);

/// <summary>A value the generator computes once per step instead of once per element.</summary>
/// <param name="Name">The name it has in the generated code.</param>
/// <param name="Expression">Its definition over hyperparameters and the step count.</param>
public sealed record HoistedInfo(string Name, string Expression);
