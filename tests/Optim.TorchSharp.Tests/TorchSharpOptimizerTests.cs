using System;
using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Dsl;
using ScratchOptim.Optimizers;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using OptimizerHelper = TorchSharp.Modules.OptimizerHelper;
using TorchSharpAdam = TorchSharp.Modules.Adam;
using TorchSharpAdamW = TorchSharp.Modules.AdamW;
using TorchSharpSGD = TorchSharp.Modules.SGD;

namespace ScratchOptim.TorchSharp.Tests;

/// <summary>
/// ScratchOptim's Adam, AdamW and SGD, stepping TorchSharp tensors through <see cref="TorchOptimizer"/>, against
/// TorchSharp's own <c>torch.optim</c> classes on copies of the same tensors with the same gradients, one step and ten.
/// <para>
/// TorchSharp's optimizers are C# loops over LibTorch's tensor operations written as PyTorch 1.13's single-tensor
/// code: <c>exp_avg.mul_(beta1).add_(grad, alpha: 1 - beta1)</c>, <c>exp_avg_sq.mul_(beta2).addcmul_(grad, grad,
/// value: 1 - beta2)</c>, <c>denom = (exp_avg_sq.sqrt() / Math.Sqrt(bias_correction2)).add_(eps)</c>,
/// <c>param.addcdiv_(exp_avg, denom, value: -step_size)</c>. ScratchOptim with <c>pytorch: V1_13</c> computes the
/// same operations in the same order with the same roundings, but for one: LibTorch 2.10's CPU <c>sqrt</c> on
/// tensors is not correctly rounded (<see cref="LibTorch_sqrt_is_within_one_ulp_of_the_correctly_rounded_root"/>:
/// about one float32 element in five and one float64 element in seventy differ from IEEE <c>sqrt</c> by 1 ulp on this
/// machine), while ScratchOptim's roots are IEEE <c>sqrt</c>, as are those of Debian's MKL-free PyTorch 1.13 and 2.14
/// that the goldens come from. So:
/// </para>
/// <list type="bullet">
/// <item>SGD (momentum, dampening, weight decay, Nesterov) has no root: bit for bit.</item>
/// <item>Adam and AdamW with gradients whose squares and roots are exact: bit for bit. This isolates the root.</item>
/// <item>Adam and AdamW on normal gradients: within <see cref="RootUlps"/> ulps (a 1-ulp root moves the denominator
/// by about an ulp, and the update and the parameter by at most two).</item>
/// <item>ScratchOptim's default <c>V2</c> (PyTorch 2.x: the first moment by lerp, <c>bias_correction2 ** 0.5</c>) is
/// another formula than TorchSharp's; its difference is bounded relative to each tensor's scale.</item>
/// </list>
/// </summary>
public sealed class TorchSharpOptimizerTests(ITestOutputHelper output)
{
    /// <summary>The most ulps a parameter or state differs by when only LibTorch's 1-ulp roots differ (measured: 2).</summary>
    private const long RootUlps = 2;

    // Lengths below, at and past LibTorch's vector width and not a multiple of it, so that both its vectorized loop
    // and its scalar tail are compared.
    private static readonly long[][] Shapes = [[3], [37, 29], [1000], [4099]];

    public static TheoryData<ScalarType, int, bool> SgdCases()
    {
        var cases = new TheoryData<ScalarType, int, bool>();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            foreach (int steps in new[] { 1, 10 })
                foreach (bool nesterov in new[] { false, true })
                    cases.Add(dtype, steps, nesterov);
        return cases;
    }

    public static TheoryData<string, ScalarType, int> AdamCases()
    {
        var cases = new TheoryData<string, ScalarType, int>();
        foreach (var optimizer in new[] { "Adam", "AdamW", "Adam+amsgrad", "AdamW+amsgrad" })
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
                foreach (int steps in new[] { 1, 10 })
                    cases.Add(optimizer, dtype, steps);
        return cases;
    }

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void SGD_with_momentum_matches_TorchSharp_bit_for_bit(ScalarType dtype, int steps, bool nesterov)
    {
        // Nesterov needs dampening 0 (in both libraries).
        var settings = new Settings { Momentum = 0.9, Dampening = nesterov ? 0 : 0.1, Nesterov = nesterov };
        var difference = Compare("SGD", dtype, steps, settings, exactRoots: false);
        Assert.Equal(0, difference.Ulps);
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void Adam_and_AdamW_match_TorchSharp_bit_for_bit_when_every_square_root_is_exact(string optimizer, ScalarType dtype, int steps)
    {
        // With beta2 = 0 the second moment is grad², exact for these gradients, and so is its root: LibTorch's
        // sqrt and IEEE sqrt agree, and every other operation must then give the same bits. Adam's L2 penalty would
        // make the gradient inexact, so Adam is compared without it; AdamW's decay does not touch the gradient.
        var settings = new Settings { Beta2 = 0, WeightDecay = optimizer.StartsWith("AdamW", StringComparison.Ordinal) ? 0.031 : 0 };
        var difference = Compare(optimizer, dtype, steps, settings, exactRoots: true);
        Assert.Equal(0, difference.Ulps);
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void Adam_and_AdamW_differ_from_TorchSharp_only_by_LibTorchs_roots(string optimizer, ScalarType dtype, int steps)
    {
        var difference = Compare(optimizer, dtype, steps, new Settings(), exactRoots: false);
        Assert.InRange(difference.Ulps, 0, RootUlps);
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void Adam_and_AdamW_in_PyTorch_2_form_stay_close_to_TorchSharps_PyTorch_1_13_form(string optimizer, ScalarType dtype, int steps)
    {
        // exp_avg.lerp_(grad, 1 - beta1) rounds differently from exp_avg * beta1 + (1 - beta1) * grad, and
        // ScratchOptim takes bias_correction2 ** 0.5 for math.sqrt: each step the first moment may differ by an ulp
        // of its largest terms. Measured over ten steps: up to 3e-7 (float32) and 5e-16 (float64) of a tensor's
        // largest magnitude, while an element near zero may be thousands of its own ulps away.
        var difference = Compare(optimizer, dtype, steps, new Settings(), exactRoots: false, PyTorchVersion.V2);
        double bound = dtype == ScalarType.Float32 ? 1e-6 : 2e-15;
        Assert.InRange(difference.Relative, 0, bound);
    }

    [Fact]
    public void LibTorch_sqrt_is_within_one_ulp_of_the_correctly_rounded_root()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var squares = rand([100_000], dtype: dtype, generator: generator);
            double[] values = Tensors.AsDoubles(squares);
            double[] theirs = Tensors.AsDoubles(squares.sqrt());
            double[] ieee = dtype == ScalarType.Float32
                ? Array.ConvertAll(values, value => (double)MathF.Sqrt((float)value))
                : Array.ConvertAll(values, Math.Sqrt);
            int differing = theirs.Zip(ieee, (a, b) => a != b).Count(different => different);
            long ulps = Tensors.MaxUlps(dtype, ieee, theirs);
            output.WriteLine($"{dtype}: LibTorch's sqrt differs from IEEE sqrt on {differing} of {values.Length} elements, by at most {ulps} ulp");
            Assert.InRange(ulps, 0, 1);
        }
    }

    /// <summary>Hyperparameters, not round numbers, so each multiplication rounds.</summary>
    private sealed record Settings
    {
        public double Lr { get; init; } = 1.3e-3;
        public double Beta1 { get; init; } = 0.87;
        public double Beta2 { get; init; } = 0.995;
        public double Eps { get; init; } = 1e-7;
        public double WeightDecay { get; init; } = 0.031;
        public double Momentum { get; init; }
        public double Dampening { get; init; }
        public bool Nesterov { get; init; }
    }

    private readonly record struct Difference(long Ulps, double Relative);

    /// <summary>
    /// Steps two identical sets of parameters, one with TorchSharp's optimizer and one with ScratchOptim's, with the
    /// same seeded gradients, and returns the largest difference over every parameter and state.
    /// </summary>
    private Difference Compare(string name, ScalarType dtype, int steps, Settings s, bool exactRoots, PyTorchVersion pytorch = PyTorchVersion.V1_13)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(42);
        var theirs = Shapes.Select(shape => Tensors.RandomParameter(generator, dtype, shape)).ToArray();
        var ours = theirs.Select(Tensors.Copy).ToArray();

        bool amsgrad = name.EndsWith("+amsgrad", StringComparison.Ordinal);
        string kind = name.Split('+')[0];
        OptimizerHelper reference = kind switch
        {
            "Adam" => optim.Adam(theirs, s.Lr, s.Beta1, s.Beta2, s.Eps, s.WeightDecay, amsgrad),
            "AdamW" => optim.AdamW(theirs, s.Lr, s.Beta1, s.Beta2, s.Eps, s.WeightDecay, amsgrad),
            _ => optim.SGD(theirs, s.Lr, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov),
        };
        var named = ours.Select((p, i) => ($"p{i}", (Tensor)p));
        TorchOptimizer optimizer = kind switch
        {
            "Adam" => TorchOptimizer.Create(named, ps => new Adam(ps, s.Lr, s.Beta1, s.Beta2, s.Eps, s.WeightDecay, amsgrad, pytorch: pytorch)),
            "AdamW" => TorchOptimizer.Create(named, ps => new AdamW(ps, s.Lr, s.Beta1, s.Beta2, s.Eps, s.WeightDecay, amsgrad, pytorch: pytorch)),
            _ => TorchOptimizer.Create(named, ps => new SGD(ps, s.Lr, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov)),
        };

        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < theirs.Length; i++)
            {
                var gradient = exactRoots
                    ? Tensors.Dyadic(generator, dtype, theirs[i].shape)
                    : randn(theirs[i].shape, dtype: dtype, generator: generator);
                theirs[i].grad = gradient.clone();
                ours[i].grad = gradient;
            }
            reference.step();
            optimizer.Step();
        }

        long ulps = 0;
        double relative = 0;
        for (int i = 0; i < theirs.Length; i++)
        {
            Note(Tensors.AsDoubles(theirs[i]), Tensors.AsDoubles(ours[i]));
            foreach (var (stateName, theirState) in StatesOf(reference, i))
                Note(Tensors.AsDoubles(theirState), optimizer.Optimizer.StateValues(optimizer.Parameters[i], stateName));
        }
        output.WriteLine($"{name} {dtype}, {steps} step(s), {pytorch}{(exactRoots ? ", exact roots" : "")}: largest difference {ulps} ulps, {relative:G3} of a tensor's largest magnitude");
        return new Difference(ulps, relative);

        void Note(double[] expected, double[] actual)
        {
            ulps = Math.Max(ulps, Tensors.MaxUlps(dtype, expected, actual));
            relative = Math.Max(relative, Tensors.MaxRelative(expected, actual));
        }
    }

    /// <summary>The state TorchSharp's optimizer keeps for its parameter <paramref name="index"/>, by PyTorch's names.</summary>
    private static IEnumerable<(string Name, Tensor Values)> StatesOf(OptimizerHelper optimizer, int index)
    {
        switch (optimizer.state_dict().State[index])
        {
            case TorchSharpAdam.State adam:
                yield return ("exp_avg", adam.exp_avg);
                yield return ("exp_avg_sq", adam.exp_avg_sq);
                if (adam.max_exp_avg_sq is not null) yield return ("max_exp_avg_sq", adam.max_exp_avg_sq);
                break;
            case TorchSharpAdamW.State adamW:
                yield return ("exp_avg", adamW.exp_avg);
                yield return ("exp_avg_sq", adamW.exp_avg_sq);
                if (adamW.max_exp_avg_sq is not null) yield return ("max_exp_avg_sq", adamW.max_exp_avg_sq);
                break;
            case TorchSharpSGD.State sgd:
                yield return ("momentum_buffer", sgd.momentum_buffer);
                break;
            default:
                throw new InvalidOperationException($"No state for {optimizer.GetType().Name}.");
        }
    }
}
