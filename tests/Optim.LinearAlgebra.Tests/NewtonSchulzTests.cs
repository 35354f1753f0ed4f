using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>
/// Newton–Schulz against PyTorch 2.14 (tests/Goldens/linalg, recorded by tools/reference): torch.optim.Muon's own
/// bfloat16 function, and the same iteration in float32 and float64.
/// </summary>
public class NewtonSchulzTests(ITestOutputHelper output)
{
    /// <summary>
    /// Max |ours − torch| allowed per precision, on outputs of magnitude below 2. float64 and float32: OpenBLAS and
    /// torch's BLAS sum in different orders, and up to 10 iterations amplify that (measured 7.6e-14 and 1.1e-5, both
    /// in the 10-step case). bfloat16: a different float32 summation order now and then flips a rounding to
    /// bfloat16, which moves an element by one bfloat16 ulp — 2⁻⁷ for values in [1, 2) — (measured: 26 of 28
    /// cases bit for bit, the other two one ulp of a value in [0.25, 0.5), 2⁻⁹).
    /// </summary>
    private static readonly Dictionary<string, double> Tolerance = new()
    {
        ["float64"] = 1e-12,
        ["float32"] = 5e-5,
        ["bfloat16"] = 1.0 / 128,
    };

    [Fact]
    public void Every_recorded_case_matches_torch_within_its_precisions_tolerance()
    {
        var worst = new Dictionary<string, (double Error, string Case)>();
        var bitExact = new Dictionary<string, (int Exact, int Total)>();
        var failures = new List<string>();
        foreach (NewtonSchulzCase c in Goldens.NewtonSchulzCases())
        {
            double[] ours = Run(c);
            // A float32 input gets a float32 result: torch's float64 result is compared rounded to float.
            double[] expected = c.InputDtype == "float32" ? c.Output.Select(v => (double)(float)v).ToArray() : c.Output;
            double error = ours.Zip(expected, (x, y) => Math.Abs(x - y)).Max();
            if (!worst.TryGetValue(c.Precision, out var w) || error > w.Error)
            {
                worst[c.Precision] = (error, c.Name);
            }

            var (exact, total) = bitExact.GetValueOrDefault(c.Precision);
            bitExact[c.Precision] = (exact + (error == 0 ? 1 : 0), total + 1);
            if (!(error <= Tolerance[c.Precision]))
            {
                failures.Add($"{c.Name}: max error {error:e3} > {Tolerance[c.Precision]:e1}");
            }

            if (c.Precision == "bfloat16")
            {
                Assert.All(ours, v => Assert.True(BFloat16Rounding.IsBFloat16((float)v), $"{c.Name}: {v} is not a bfloat16"));
            }
        }

        foreach (var (precision, (error, name)) in worst.OrderBy(p => p.Key))
        {
            output.WriteLine($"{precision}: max |ours - torch| = {error:e3} ({name}); bit-exact cases {bitExact[precision].Exact}/{bitExact[precision].Total}");
        }

        Assert.Equal(3, worst.Count);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(NewtonSchulzPrecision.Float64, 64, 24)]
    [InlineData(NewtonSchulzPrecision.Float32, 24, 64)]
    [InlineData(NewtonSchulzPrecision.BFloat16, 16, 56)]
    public void The_result_is_nearly_orthogonal_with_singular_values_near_one(NewtonSchulzPrecision precision, int rows, int cols)
    {
        // Independent of torch: after 5 quintic steps, the singular values of a well-conditioned matrix (a random
        // rectangular one with aspect ratio ≥ 2.5) lie in roughly (0.6, 1.2) — the coefficients trade exactness for
        // speed — so the eigenvalues of XᵀX (or XXᵀ) lie in their squares' range.
        double[] g = Reference.Random(new Random(rows + cols), rows * cols);
        var x = new double[rows * cols];
        new NewtonSchulz(rows, cols, precision).Orthogonalize(g, x);
        int s = Math.Min(rows, cols);
        var (gram, _) = rows >= cols
            ? Reference.Gemm(true, false, s, s, rows, 1, x, cols, x, cols, 0, new double[s * s], s)
            : Reference.Gemm(false, true, s, s, cols, 1, x, cols, x, cols, 0, new double[s * s], s);
        double[] squaredSingularValues = Reference.JacobiEigenvalues(gram, s);
        Assert.InRange(squaredSingularValues[0], 0.3, 1.5);
        Assert.InRange(squaredSingularValues[^1], 0.5, 1.6);
    }

    [Fact]
    public void Input_and_output_may_be_the_same_span_and_the_zero_matrix_stays_zero()
    {
        double[] g = Reference.Random(new Random(4), 6 * 9);
        var expected = new double[g.Length];
        var ns = new NewtonSchulz(6, 9, NewtonSchulzPrecision.Float64);
        ns.Orthogonalize(g, expected);
        ns.Orthogonalize(g, g);
        Assert.Equal(expected, g);

        float[] zero = new float[6 * 9];
        new NewtonSchulz(6, 9, NewtonSchulzPrecision.BFloat16).Orthogonalize(zero, zero);
        Assert.All(zero, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Bad_arguments_are_typed_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonSchulz(0, 3, NewtonSchulzPrecision.Float32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonSchulz(3, 3, (NewtonSchulzPrecision)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonSchulzOptions { Steps = 100 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonSchulzOptions { A = double.PositiveInfinity });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonSchulzOptions { Eps = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonSchulzOptions { Eps = double.NaN });
        var ns = new NewtonSchulz(2, 3, NewtonSchulzPrecision.Float32);
        var error = Assert.Throws<ArgumentException>(() => ns.Orthogonalize(new float[6], new float[5]));
        Assert.Equal("result", error.ParamName);
    }

    [Fact]
    public void The_norm_plus_epsilon_variant_divides_by_norm_plus_eps()
    {
        // With zero steps the result is just the normalized input, so the two normalizations can be told apart.
        double[] g = [3, 0, 0, 4];
        var clamped = new double[4];
        var plus = new double[4];
        var ns = new NewtonSchulz(2, 2, NewtonSchulzPrecision.Float64);
        ns.Orthogonalize(g, clamped, new NewtonSchulzOptions { Steps = 0, Eps = 1 });
        ns.Orthogonalize(g, plus, new NewtonSchulzOptions { Steps = 0, Eps = 1, Normalization = NewtonSchulzNormalization.NormPlusEpsilon });
        Assert.Equal([0.6, 0, 0, 0.8], clamped);
        Assert.Equal([0.5, 0, 0, 4.0 / 6], plus);
    }

    internal static double[] Run(NewtonSchulzCase c)
    {
        NewtonSchulzPrecision precision = c.Precision switch
        {
            "float64" => NewtonSchulzPrecision.Float64,
            "float32" => NewtonSchulzPrecision.Float32,
            "bfloat16" => NewtonSchulzPrecision.BFloat16,
            _ => throw new InvalidOperationException(c.Precision),
        };
        var options = new NewtonSchulzOptions
        {
            Steps = c.Steps, A = c.Coefficients[0], B = c.Coefficients[1], C = c.Coefficients[2], Eps = c.Eps,
        };
        var ns = new NewtonSchulz(c.Rows, c.Cols, precision);
        if (c.InputDtype == "float64")
        {
            var result = new double[c.Input.Length];
            ns.Orthogonalize(c.Input, result, options);
            return result;
        }

        var output = new float[c.Input.Length];
        ns.Orthogonalize(Reference.ToFloat(c.Input), output, options);
        return Reference.ToDouble(output);
    }
}
