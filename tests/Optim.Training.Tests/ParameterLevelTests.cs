using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// Clipping and averaging on a model's parameters (<c>clip_grad_norm_(model.parameters())</c>,
/// <c>AveragedModel(model)</c>) against PyTorch 2.14: float and double parameters mixed, some without a gradient
/// (tests/Goldens/training/parameters), and every single-type clipping and averaging golden through the parameter API.
/// </summary>
[Trait("Category", "Kernels")]
public class ParameterLevelTests
{
    public static IEnumerable<object[]> ParameterCases() => Files("parameters");

    public static IEnumerable<object[]> SingleTypeClippingCases() =>
        Files("clipping").Where(file => Load((string)file[0])["kind"]!.GetValue<string>() != "clip_grads_with_norm");

    public static IEnumerable<object[]> AveragingStems() =>
        Files("averaging").Select(file => Path.GetFileName((string)file[0]).Replace("_f32_s2.json", "", StringComparison.Ordinal))
            .Where(stem => !stem.EndsWith(".json", StringComparison.Ordinal))
            .Select(stem => new object[] { stem });

    [Theory]
    [MemberData(nameof(ParameterCases))]
    public void Clipping_mixed_float_and_double_parameters_matches_PyTorch(string file)
    {
        var json = Load(file);
        var dtypes = json["dtypes"]!.AsArray().Select(d => d!.GetValue<string>()).ToArray();
        var shapes = json["shapes"]!.AsArray().Select(s => s!.AsArray().Select(d => d!.GetValue<int>()).ToArray()).ToArray();
        var grads = json["grads"]!.AsArray();
        var parameters = new Parameter[dtypes.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            int length = shapes[i].Aggregate(1, (a, b) => a * b);
            double[]? grad = grads[i] is null ? null : Numbers(grads[i]);
            if (dtypes[i] == "float32")
            {
                var single = new Parameter<float>(new float[length], shapes[i], $"p{i}");
                if (grad is not null) single.Grad = grad.Select(g => (float)g).ToArray();
                parameters[i] = single;
            }
            else
            {
                var real = new Parameter<double>(new double[length], shapes[i], $"p{i}");
                if (grad is not null) real.Grad = grad;
                parameters[i] = real;
            }
        }

        var (total, error) = Clip(json, parameters);

        Assert.Equal(json["error"]?.GetValue<string>(), error);
        AssertSame("total_norm", json["total_norm"] is { } t ? Number(t) : null, total);
        if (json["clipped"] is JsonArray clipped)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                double[]? got = Gradient(parameters[i]);
                if (clipped[i] is null) Assert.Null(got);
                else AssertSame($"clipped[{i}]", Numbers(clipped[i]), got!);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SingleTypeClippingCases))]
    public void Clipping_parameters_of_one_type_matches_PyTorch_with_a_parameter_without_gradient_among_them(string file)
    {
        var json = Load(file);
        bool single = json["dtype"]!.GetValue<string>() == "float32";
        var shapes = json["shapes"]!.AsArray().Select(s => s!.AsArray().Select(d => d!.GetValue<int>()).ToArray()).ToArray();
        var grads = json["grads"]!.AsArray().Select(Numbers).ToArray();
        var parameters = new List<Parameter>();
        for (int i = 0; i < grads.Length; i++)
        {
            parameters.Add(single
                ? new Parameter<float>(new float[grads[i].Length], shapes[i], $"p{i}") { Grad = grads[i].Select(g => (float)g).ToArray() }
                : new Parameter<double>(new double[grads[i].Length], shapes[i], $"p{i}") { Grad = grads[i] });
        }
        // Skipped, as torch skips a parameter whose grad is None.
        parameters.Insert(1, single ? new Parameter<float>(new float[3], "frozen") : new Parameter<double>(new double[3], "frozen"));

        var (total, error) = Clip(json, parameters);

        Assert.Equal(json["error"]?.GetValue<string>(), error);
        AssertSame("total_norm", json["total_norm"] is { } t ? Number(t) : null, total);
        if (json["clipped"] is JsonArray clipped)
        {
            var withGrads = parameters.Where(p => p.Name != "frozen").ToArray();
            for (int i = 0; i < withGrads.Length; i++) AssertSame($"clipped[{i}]", Numbers(clipped[i]), Gradient(withGrads[i])!);
        }
        Assert.Null(Gradient(parameters[1]));
    }

    [Theory]
    [MemberData(nameof(AveragingStems))]
    public void Averaging_a_model_of_float_and_double_parameters_matches_PyTorch_for_both(string stem)
    {
        // The float32 and the float64 case of one stem averaged as one model: each type's averages must be PyTorch's.
        var f32 = Load(Path.Combine(Paths.Goldens, "averaging", $"{stem}_f32_s2.json"));
        var f64 = Load(Path.Combine(Paths.Goldens, "averaging", $"{stem}_f64_s2.json"));
        var singles = Rows(f32["params"]![0]).Select((row, i) => new Parameter<float>(new float[row.Length], $"f{i}")).ToArray();
        var doubles = Rows(f64["params"]![0]).Select((row, i) => new Parameter<double>(new double[row.Length], $"d{i}")).ToArray();
        Parameter[] model = [singles[0], doubles[0], .. singles[1..], .. doubles[1..]];
        var average = f32["average"]!.GetValue<string>() == "ema"
            ? AveragedModel.ExponentialMovingAverage(model, Number(f32["decay"]))
            : AveragedModel.EqualWeight(model);

        int updates = f32["params"]!.AsArray().Count;
        for (int u = 0; u < updates; u++)
        {
            var singleRows = Rows(f32["params"]![u]);
            var doubleRows = Rows(f64["params"]![u]);
            for (int i = 0; i < singles.Length; i++) singleRows[i].Select(v => (float)v).ToArray().CopyTo(singles[i].Data);
            for (int i = 0; i < doubles.Length; i++) doubleRows[i].CopyTo(doubles[i].Data);
            average.Update();
            var expectedSingles = Rows(f32["averaged"]![u]);
            var expectedDoubles = Rows(f64["averaged"]![u]);
            for (int i = 0; i < singles.Length; i++)
                AssertSame($"float {i} after update {u + 1}", expectedSingles[i], average.Average<float>(singles[i]).ToArray().Select(v => (double)v).ToArray());
            for (int i = 0; i < doubles.Length; i++)
                AssertSame($"double {i} after update {u + 1}", expectedDoubles[i], average.Average<double>(doubles[i]).ToArray());
        }
        Assert.Equal(f32["n_averaged"]!.GetValue<long>(), average.Count);

        var copies = model.Select(p => p is Parameter<float> s ? (Parameter)new Parameter<float>(new float[s.Length]) : new Parameter<double>(new double[p.Length])).ToArray();
        average.CopyTo(copies);
        Assert.Equal(average.Average<double>(doubles[0]).ToArray(), ((Parameter<double>)copies[1]).Data.ToArray());
    }

    [Fact]
    public void Clipping_an_array_of_parameters_allocates_nothing()
    {
        var random = new Random(3);
        Parameter[] parameters =
        [
            new Parameter<float>(new float[1001], "a") { Grad = Enumerable.Range(0, 1001).Select(_ => (float)random.NextDouble()).ToArray() },
            new Parameter<double>(new double[999], "b") { Grad = Enumerable.Range(0, 999).Select(_ => random.NextDouble()).ToArray() },
            new Parameter<float>(new float[7], "frozen"),
        ];
        var list = parameters.ToList();
        void Run()
        {
            GradientClipping.ClipGradNorm(parameters, 1.0);
            GradientClipping.ClipGradNorm(list, 1.0, double.PositiveInfinity);
            GradientClipping.ClipGradValue(parameters, 0.5);
            GradientClipping.TotalNorm(list, 3.0);
            GradientClipping.ClipGradsWithNorm(parameters, 1.0, 2.0);
        }
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_arguments_are_refused_before_any_gradient_changes()
    {
        var p = new Parameter<float>(new float[2], "p") { Grad = new float[] { 3, 4 } };
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([p], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([p], 1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue([p], double.NaN));
        Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipGradNorm([p, null!], 1));
        Assert.Throws<ArgumentNullException>(() => GradientClipping.TotalNorm(null!));
        Assert.Equal(new float[] { 3, 4 }, p.Grad!.Value.ToArray());
        Assert.Throws<ArgumentException>(() => AveragedModel.EqualWeight([]));
        Assert.Throws<ArgumentException>(() => AveragedModel.EqualWeight([p, p]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AveragedModel.ExponentialMovingAverage([p], 1.5));
    }

    private static (double? Total, string? Error) Clip(JsonObject json, IReadOnlyList<Parameter> parameters)
    {
        var args = json["args"]!.AsObject();
        double normType = args["norm_type"] is { } n ? Number(n) : 2.0;
        bool errorIfNonfinite = args["error_if_nonfinite"]?.GetValue<bool>() ?? false;
        try
        {
            switch (json["kind"]!.GetValue<string>())
            {
                case "clip_grad_norm":
                    return (GradientClipping.ClipGradNorm(parameters, Number(args["max_norm"]), normType, errorIfNonfinite), null);
                case "get_total_norm":
                    return (GradientClipping.TotalNorm(parameters, normType, errorIfNonfinite), null);
                case "clip_grad_value":
                    GradientClipping.ClipGradValue(parameters, Number(args["clip_value"]));
                    return (null, null);
                default:
                    GradientClipping.ClipGradsWithNorm(parameters, Number(args["max_norm"]), Number(args["total_norm"]));
                    return (null, null);
            }
        }
        catch (NonFiniteNormException exception)
        {
            return (null, exception.Message);
        }
    }

    private static double[]? Gradient(Parameter parameter) => parameter switch
    {
        Parameter<float> { Grad: { } g } => g.ToArray().Select(v => (double)v).ToArray(),
        Parameter<double> { Grad: { } g } => g.ToArray(),
        _ => null,
    };

    private static void AssertSame(string what, double? expected, double? actual)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{what}: expected {expected}, got {actual}");
        if (expected is { } e) AssertSame(what, [e], [actual!.Value]);
    }

    /// <summary>Equal to the bit (NaN equal to NaN, 0 and -0 told apart).</summary>
    private static void AssertSame(string what, double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = double.IsNaN(expected[i]) ? double.IsNaN(actual[i]) : BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]);
            Assert.True(same, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static IEnumerable<object[]> Files(string folder) =>
        Directory.GetFiles(Path.Combine(Paths.Goldens, folder), "*.json").Order(StringComparer.Ordinal).Select(file => new object[] { file });

    private static JsonObject Load(string file) => JsonNode.Parse(File.ReadAllText(file))!.AsObject();

    private static double Number(JsonNode? node) => node!.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? node.GetValue<string>() switch
        {
            "nan" => double.NaN,
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            var text => double.Parse(text, CultureInfo.InvariantCulture),
        }
        : node.GetValue<double>();

    private static double[] Numbers(JsonNode? node) => [.. node!.AsArray().Select(Number)];

    private static double[][] Rows(JsonNode? node) => [.. node!.AsArray().Select(Numbers)];
}
