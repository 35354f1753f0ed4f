using System;
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
/// <param name="Reductions">The whole-tensor values the update reads (<c>Norm(p)</c>, <c>RowMean(g * g)</c>, …), as declared; empty for an element-wise update.</param>
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
    IReadOnlyList<HoistedInfo> Hoisted,
    IReadOnlyList<string> Reductions)
{
    /// <summary>The fewest dimensions a parameter may have (the declaration's <c>MinRank</c>).</summary>
    public int MinRank { get; init; }

    /// <summary>The most dimensions a parameter may have (the declaration's <c>MaxRank</c>; <see cref="int.MaxValue"/> when unlimited).</summary>
    public int MaxRank { get; init; } = int.MaxValue;

    /// <summary>
    /// Whether the group state and the group reductions span every parameter group (the declaration's
    /// <c>AcrossGroups</c>): one value for the whole optimizer, computed with the first group's hyperparameters, which
    /// every group holds a copy of.
    /// </summary>
    public bool AcrossGroups { get; init; }

    /// <summary>
    /// The optimizer's procedures besides the step (its <c>[Procedure]</c> methods, such as Schedule-Free's <c>Eval</c>
    /// and <c>Train</c>), in declaration order; empty for most optimizers. Run one with its generated method or
    /// <see cref="Optimizer.RunProcedure(string)"/>.
    /// </summary>
    public IReadOnlyList<ProcedureInfo> Procedures { get; init; } = [];

    /// <summary>
    /// The operations the update runs on whole matrices, with ScratchOptim.LinearAlgebra, between its loops over the
    /// elements (<c>Orthogonalize(direction, …)</c>, <c>Transpose(leftBasis) * g</c>, …), as declared; empty for an
    /// update without any.
    /// </summary>
    public IReadOnlyList<string> MatrixOperations { get; init; } = [];

    /// <summary>The parameters it takes, e.g. <c>1-D or 2-D</c>; empty when it takes tensors of any rank.</summary>
    public string Ranks => (MinRank, MaxRank) switch
    {
        (0, int.MaxValue) => "",
        (var min, int.MaxValue) => $"{min}-D or more",
        (var min, var max) when min == max => $"{min}-D",
        (0, var max) => $"up to {max}-D",
        (var min, var max) => $"{min}-D to {max}-D",
    };

    /// <summary>Bytes of state per parameter element when every buffer is allocated, for parameters of <paramref name="elementType"/>.</summary>
    public int BytesPerElement(ElementType elementType = ElementType.Float32)
    {
        int total = 0;
        foreach (var state in States) total += state.BytesPerElement(elementType);
        return total;
    }
}

/// <summary>A hyperparameter of an optimizer.</summary>
/// <param name="Name">The declared name, also the constructor parameter's name.</param>
/// <param name="TorchName">PyTorch's keyword (<c>"betas[0]"</c> for a tuple element).</param>
/// <param name="Type"><c>double</c>, <c>bool</c>, <c>int</c>, or the name of an enum (e.g. <c>PyTorchVersion</c>).</param>
/// <param name="Default">The default, formatted as C# source (<c>PyTorchVersion.V2</c> for an enum).</param>
/// <param name="Min">Smallest allowed value.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> is excluded.</param>
/// <param name="Max">Largest allowed value.</param>
/// <param name="MaxExclusive">Whether <paramref name="Max"/> is excluded.</param>
/// <param name="Description">The summary of the field's XML documentation.</param>
/// <param name="Values">The names of the allowed values of an enum hyperparameter, in declaration order; null for the others.</param>
public sealed record HyperparameterInfo(
    string Name,
    string TorchName,
    string Type,
    string Default,
    double Min,
    bool MinExclusive,
    double Max,
    bool MaxExclusive,
    string Description,
    IReadOnlyList<string>? Values = null)
{
    /// <summary>
    /// The allowed values: a range in interval notation, e.g. <c>[0, 1)</c>; for an enum, its members
    /// (<c>one of V1_13, V2</c>); empty for <c>bool</c>.
    /// </summary>
    public string Range => Values is not null ? "one of " + string.Join(", ", Values)
        : Type == "bool" ? "" : FormatRange(Min, MinExclusive, Max, MaxExclusive);

    /// <summary>True for a number (<c>double</c> or <c>int</c>): a value a scheduler may read and write.</summary>
    public bool IsNumber => Type is "double" or "int";

    /// <summary>Formats a range in interval notation.</summary>
    public static string FormatRange(double min, bool minExclusive, double max, bool maxExclusive)
    {
        string low = double.IsNegativeInfinity(min) ? "-∞" : min.ToString("R", CultureInfo.InvariantCulture);
        string high = double.IsPositiveInfinity(max) ? "∞" : max.ToString("R", CultureInfo.InvariantCulture);
        return $"{(minExclusive || double.IsNegativeInfinity(min) ? "(" : "[")}{low}, {high}{(maxExclusive || double.IsPositiveInfinity(max) ? ")" : "]")}";
    }
}

/// <summary>
/// How many values a state has per parameter, as the generator made it of the declaration's
/// <c>[State(Shape = StateShape.Row)]</c> (the DSL's own enum, which works without this runtime).
/// </summary>
public enum StateLayout
{
    /// <summary>One per element of the parameter.</summary>
    Element = 0,

    /// <summary>One per tensor (PyTorch keeps such state as a 0-dim tensor or a Python number).</summary>
    Tensor = 1,

    /// <summary>One per row of the parameter seen as a matrix (rows: all dimensions but the last).</summary>
    Row = 2,

    /// <summary>One per column of the parameter seen as a matrix (columns: the last dimension).</summary>
    Column = 3,

    /// <summary>A rows × rows matrix, row-major (e.g. SOAP's left preconditioner).</summary>
    RowByRow = 4,

    /// <summary>A columns × columns matrix, row-major (e.g. SOAP's right preconditioner).</summary>
    ColumnByColumn = 5,

    /// <summary>An n × n matrix over all n elements of the parameter, row-major (e.g. SOAP's preconditioner with merged dimensions).</summary>
    ElementByElement = 6,

    /// <summary>
    /// One per parameter group, shared by all its parameters, or one for the whole optimizer that every group holds
    /// (<see cref="OptimizerInfo.AcrossGroups"/>, e.g. Prodigy's step-size estimate); read it with
    /// <see cref="Optimizer.GroupStateValue"/>.
    /// </summary>
    Group = 7,
}

/// <summary>What a state's values are.</summary>
public enum StateValue
{
    /// <summary>The parameter's element type: float for a float parameter, double for a double one.</summary>
    Element,

    /// <summary>Always float32 (as some PyTorch state is, e.g. NAdam's <c>mu_product</c>, even for float64 parameters).</summary>
    Float32,

    /// <summary>Always float64.</summary>
    Float64,
}

/// <summary>A state of an optimizer: one description that allocation, state access and state files all derive from.</summary>
/// <param name="Name">The declared name.</param>
/// <param name="TorchName">PyTorch's name for it in <c>optimizer.state[p]</c>.</param>
/// <param name="Initial">What it holds when allocated: a number or a hyperparameter's name.</param>
/// <param name="Layout">How many values it has per parameter.</param>
/// <param name="Value">What its values are.</param>
/// <param name="AllocatedWhen">The condition under which it is allocated, or <c>always</c>.</param>
public sealed record StateInfo(string Name, string TorchName, string Initial, StateLayout Layout, StateValue Value, string AllocatedWhen)
{
    /// <summary>
    /// How many values it has for <paramref name="parameter"/> (a group state has one for the whole group). A matrix
    /// state of a large parameter (rows × rows, columns × columns, or elements × elements) may need more values than a
    /// buffer holds (<see cref="int.MaxValue"/>): such a state is never allocated, and none of that length loads.
    /// </summary>
    public long LengthFor(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return Layout switch
        {
            StateLayout.Element => parameter.Length,
            StateLayout.Row => TensorShape.Rows(parameter.ShapeSpan),
            StateLayout.Column => TensorShape.Columns(parameter.ShapeSpan),
            StateLayout.RowByRow => (long)TensorShape.Rows(parameter.ShapeSpan) * TensorShape.Rows(parameter.ShapeSpan),
            StateLayout.ColumnByColumn => (long)TensorShape.Columns(parameter.ShapeSpan) * TensorShape.Columns(parameter.ShapeSpan),
            StateLayout.ElementByElement => (long)parameter.Length * parameter.Length,
            _ => 1,
        };
    }

    /// <summary>The .NET type of its values for a parameter of <paramref name="elementType"/>.</summary>
    public Type ValueTypeFor(ElementType elementType) => Value switch
    {
        StateValue.Float32 => typeof(float),
        StateValue.Float64 => typeof(double),
        _ => elementType == ElementType.Float32 ? typeof(float) : typeof(double),
    };

    /// <summary>Bytes it takes per parameter element for a parameter of <paramref name="elementType"/> (0 unless one per element).</summary>
    public int BytesPerElement(ElementType elementType) =>
        Layout != StateLayout.Element ? 0 : ValueTypeFor(elementType) == typeof(float) ? sizeof(float) : sizeof(double);
}

/// <summary>A value the generator computes once per step instead of once per element.</summary>
/// <param name="Name">The name it has in the generated code.</param>
/// <param name="Expression">Its definition over hyperparameters and the step count.</param>
public sealed record HoistedInfo(string Name, string Expression);
