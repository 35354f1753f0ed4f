using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// Gradient clipping beyond the goldens: the ATen reduction order on lengths the goldens do not cover (checked
/// against an independent scalar model of it), argument checks, zero allocations.
/// </summary>
[Trait("Category", "Kernels")]
public class ClippingTests
{
    /// <summary>
    /// ATen's AVX2 2-norm written out element by element, without vectors: 8 (float) or 4 (double) interleaved
    /// sums of squares, the lanes added in order, a float tail whose first four terms are added unfused, the
    /// rest fused.
    /// </summary>
    private static float ScalarModel(float[] x)
    {
        if (x.Length == 1) return Math.Abs(x[0]);
        var lanes = new float[8];
        int body = x.Length - x.Length % 8;
        for (int i = 0; i < body; i++) lanes[i % 8] = lanes[i % 8] + x[i] * x[i];
        float sum = lanes[0];
        for (int j = 1; j < 8; j++) sum += lanes[j];
        int k = body;
        if (x.Length - k >= 4)
            for (int end = k + 4; k < end; k++) sum += x[k] * x[k];
        for (; k < x.Length; k++) sum = MathF.FusedMultiplyAdd(x[k], x[k], sum);
        return MathF.Sqrt(sum);
    }

    private static double ScalarModel(double[] x)
    {
        if (x.Length == 1) return Math.Abs(x[0]);
        var lanes = new double[4];
        int body = x.Length - x.Length % 4;
        for (int i = 0; i < body; i++) lanes[i % 4] = lanes[i % 4] + x[i] * x[i];
        double sum = lanes[0];
        for (int j = 1; j < 4; j++) sum += lanes[j];
        for (int k = body; k < x.Length; k++) sum = Math.FusedMultiplyAdd(x[k], x[k], sum);
        return Math.Sqrt(sum);
    }

    [Fact]
    public void The_vectorized_two_norm_follows_ATens_order_on_every_length()
    {
        var random = new Random(5);
        for (int length = 1; length < 300; length++)
        {
            var floats = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
            var doubles = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 6 - 3).ToArray();
            Assert.Equal(ScalarModel(floats), GradientClipping.VectorNorm<float>(floats));
            Assert.Equal(ScalarModel(doubles), GradientClipping.VectorNorm<double>(doubles));
        }
    }

    [Fact]
    public void The_order_differs_from_a_plain_sum_so_the_model_is_not_a_tautology()
    {
        // Were ATen's order the naive one, the test above could not tell; on these lengths it can.
        var random = new Random(11);
        int differing = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            var x = Enumerable.Range(0, 37).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
            float naive = 0;
            foreach (float v in x) naive += v * v;
            if (MathF.Sqrt(naive) != GradientClipping.VectorNorm<float>(x)) differing++;
        }
        Assert.True(differing > 10, $"{differing} of 200");
    }

    [Fact]
    public void Norms_of_special_inputs_are_ATens()
    {
        Assert.Equal(0f, GradientClipping.VectorNorm<float>([]));
        Assert.Equal(float.PositiveInfinity, GradientClipping.VectorNorm<float>([], -1));
        // One element: the absolute value, even where squaring would overflow.
        Assert.Equal(3e30f, GradientClipping.VectorNorm<float>([-3e30f]));
        Assert.Equal(float.PositiveInfinity, GradientClipping.VectorNorm<float>([3e30f, 1f]));
        Assert.True(float.IsNaN(GradientClipping.VectorNorm<float>([1, 2, float.NaN, 4, 5, 6, 7, 8, 9], double.PositiveInfinity)));
        Assert.Equal(9f, GradientClipping.VectorNorm<float>([1, -2, 3, 4, 5, 6, -9, 8, 7], double.PositiveInfinity));
        Assert.Equal(1f, GradientClipping.VectorNorm<float>([-1, 2, 3, -4], double.NegativeInfinity));
        Assert.Equal(3f, GradientClipping.VectorNorm<float>([0, 2, 0, -4, 1], 0));
    }

    [Fact]
    public void Clipping_scales_every_gradient_by_one_coefficient()
    {
        float[] a = [3, 0], b = [0, -4];
        Memory<float>[] grads = [a, b];
        float total = GradientClipping.ClipGradNorm<float>(grads, maxNorm: 1.0);
        Assert.Equal(5f, total);
        float coefficient = GradientClipping.ClipCoefficient(1.0, total);
        Assert.Equal([3 * coefficient, 0f], a);
        Assert.Equal([0f, -4 * coefficient], b);
        Assert.True(coefficient < 0.2f && coefficient > 0.19999f);
    }

    [Fact]
    public void A_non_finite_total_with_error_if_nonfinite_throws_before_any_gradient_changes()
    {
        float[] a = [1, float.PositiveInfinity], b = [2, 3];
        var error = Assert.Throws<NonFiniteNormException>(() => GradientClipping.ClipGradNorm<float>([a, b], 1.0, 2.0, errorIfNonfinite: true));
        Assert.StartsWith("The total norm of order 2.0 for gradients", error.Message);
        Assert.Equal(double.PositiveInfinity, error.TotalNorm);
        Assert.Equal([1, float.PositiveInfinity], a);
        Assert.Equal([2f, 3f], b);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Memory<float>[] grads = [new float[2]];
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm<float>(grads, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm<float>(grads, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.TotalNorm<float>(grads, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue<float>(grads, -0.5));
        Assert.Throws<NotSupportedException>(() => GradientClipping.VectorNorm<Half>([Half.One]));
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(double.NegativeInfinity)]
    public void A_negative_total_norm_is_refused_before_any_gradient_changes(double totalNorm)
    {
        // Its coefficient, max_norm / (total + 1e-6), would be negative and reverse every gradient.
        float[] a = [3, 0];
        double[] b = [0, -4];
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradsWithNorm<float>([a], 1.0, (float)totalNorm));
        Assert.Equal("totalNorm", refused.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradsWithNorm<double>([b], 1.0, totalNorm));
        var parameter = new Parameter<float>(new float[2], "w") { Grad = new float[] { 3, 0 } };
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradsWithNorm([parameter], 1.0, totalNorm));
        Assert.Equal([3f, 0f], a);
        Assert.Equal([0.0, -4.0], b);
        Assert.Equal([3f, 0f], parameter.Grad!.Value.ToArray());
    }

    [Fact]
    public void A_total_norm_of_infinity_or_NaN_scales_as_PyTorch_does()
    {
        // clip_grads_with_norm_ takes them: an infinite norm zeroes the gradients, a NaN one makes them NaN.
        float[] infinite = [3, -4];
        double[] nan = [3, -4];
        GradientClipping.ClipGradsWithNorm<float>([infinite], 1.0, float.PositiveInfinity);
        GradientClipping.ClipGradsWithNorm<double>([nan], 1.0, double.NaN);
        Assert.Equal([0f, -0f], infinite);
        Assert.All(nan, value => Assert.True(double.IsNaN(value)));
    }

    [Fact]
    public void Python_reprs_of_norm_orders_match()
    {
        Assert.Equal("2.0", PythonFloat.Repr(2));
        Assert.Equal("inf", PythonFloat.Repr(double.PositiveInfinity));
        Assert.Equal("2.5", PythonFloat.Repr(2.5));
        Assert.Equal("1e+16", PythonFloat.Repr(1e16));
        Assert.Equal("1000000000000000.0", PythonFloat.Repr(1e15));
        Assert.Equal("0.0001", PythonFloat.Repr(1e-4));
        Assert.Equal("1.5e-05", PythonFloat.Repr(1.5e-5));
        Assert.Equal("-0.5", PythonFloat.Repr(-0.5));
    }

    [Fact]
    public void Clipping_and_norms_allocate_nothing()
    {
        var random = new Random(3);
        var floats = Enumerable.Range(0, 5).Select(_ => new Memory<float>(Enumerable.Range(0, 1001).Select(_ => (float)random.NextDouble()).ToArray())).ToArray();
        var doubles = Enumerable.Range(0, 5).Select(_ => new Memory<double>(Enumerable.Range(0, 999).Select(_ => random.NextDouble()).ToArray())).ToArray();
        void Run()
        {
            GradientClipping.ClipGradNorm<float>(floats, 1.0);
            GradientClipping.ClipGradNorm<double>(doubles, 1.0, 3.0);
            GradientClipping.ClipGradNorm<float>(floats, 1.0, double.PositiveInfinity);
            GradientClipping.ClipGradValue<float>(floats, 0.5);
            GradientClipping.TotalNorm<double>(doubles, 1.0);
        }
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
