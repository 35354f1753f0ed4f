using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ScratchOptim.Benchmarks.LinearAlgebra;

/// <summary>Achieved GFLOP/s: the benchmark's floating-point operations (given per case) over its mean time.</summary>
internal sealed class GflopsColumn(Func<BenchmarkCase, double> flops) : IColumn
{
    public string Id => "GFLOPS";
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second achieved, in 1e9 (from the mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        return statistics is null ? "-" : (flops(benchmarkCase) / statistics.Mean).ToString("0.0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    /// <summary>A parameter's value by name.</summary>
    public static int Parameter(BenchmarkCase benchmarkCase, string name) => (int)benchmarkCase.Parameters[name]!;
}
