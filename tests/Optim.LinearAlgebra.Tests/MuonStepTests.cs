using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using ScratchOptim.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>
/// Scaffolding for the DSL's Muon (issue 13): torch.optim.Muon 2.14's step written out by hand — its element-wise
/// parts as ATen computes them, the orthogonalization by <see cref="NewtonSchulz"/> in bfloat16 — and replayed
/// against torch's recorded runs, every step. It proves the Newton–Schulz piece is the one torch uses; the real
/// optimizer will come from a declaration and replace this file.
/// </summary>
public class MuonStepTests(ITestOutputHelper output)
{
    public static TheoryData<string> OwnRuns() => new(Goldens.OwnMuonRuns().Select(r => r.Name));

    /// <summary>Single-group cases of ../shared/reference/torch2/optim (muon_groups has two groups: left to the DSL work).</summary>
    public static TheoryData<string> SharedCases()
    {
        string directory = Path.Combine(Reference.SharedReference, "torch2", "optim");
        var data = new TheoryData<string>();
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.GetFiles(directory, "muon_*.json").Where(f => !f.Contains("muon_groups")).Order())
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OwnRuns))]
    public void Hand_written_step_with_bfloat16_newton_schulz_replays_our_torch_recording(string name) =>
        Replay(Goldens.OwnMuonRuns().Single(r => r.Name == name));

    [SharedReferenceTheory]
    [Trait("Category", SharedReference.Category)]
    [MemberData(nameof(SharedCases))]
    public void Hand_written_step_replays_the_shared_torch_case(string file) =>
        Replay(Goldens.SharedMuonRun(Path.Combine(Reference.SharedReference, "torch2", "optim", file)));

    [Fact]
    public void The_shared_muon_cases_are_replayed_when_present()
    {
        // A guard against the theory above silently finding nothing beside a checkout that has ../shared.
        if (Directory.Exists(Path.Combine(Reference.SharedReference, "torch2")))
        {
            Assert.True(SharedCases().Count >= 10, "the shared Muon cases were not found");
        }
    }

    private void Replay(MuonRun run)
    {
        double worst = run.Dtype == "float32" ? ReplayAs<float>(run) : ReplayAs<double>(run);
        output.WriteLine($"{run.Name}: max |ours - torch| over all steps = {worst:e3} (tolerance rtol {run.Rtol}, atol {run.Atol})");
    }

    private static double ReplayAs<T>(MuonRun run) where T : unmanaged, IFloatingPointIeee754<T>
    {
        MuonHyper h = run.Hyper;
        var options = new NewtonSchulzOptions { Steps = h.NsSteps, A = h.A, B = h.B, C = h.C, Eps = h.Eps };
        var tensors = run.Shapes.Select((shape, i) => new
        {
            Rows = shape[0],
            Cols = shape[1],
            Param = run.Param0[i].Select(T.CreateTruncating).ToArray(),
            Buffer = new T[shape[0] * shape[1]],
            Source = new T[shape[0] * shape[1]],
            Update = new T[shape[0] * shape[1]],
            Ns = new NewtonSchulz(shape[0], shape[1], NewtonSchulzPrecision.BFloat16),
        }).ToArray();

        double worst = 0;
        for (int step = 0; step < run.Grads.Length; step++)
        {
            for (int i = 0; i < tensors.Length; i++)
            {
                var t = tensors[i];
                T[] grad = run.Grads[step][i].Select(T.CreateTruncating).ToArray();

                // buf.lerp_(grad, 1 - momentum); update = grad.lerp(buf, momentum) if nesterov else buf
                T toGrad = T.CreateTruncating(1 - h.Momentum), toBuffer = T.CreateTruncating(h.Momentum);
                for (int e = 0; e < grad.Length; e++)
                {
                    t.Buffer[e] = Lerp(t.Buffer[e], grad[e], toGrad);
                    t.Source[e] = h.Nesterov ? Lerp(grad[e], t.Buffer[e], toBuffer) : t.Buffer[e];
                }

                Orthogonalize(t.Ns, t.Source, t.Update, options);

                // param.mul_(1 - lr * weight_decay); param.add_(update, alpha=-adjusted_lr)
                T decay = T.CreateTruncating(1 - h.Lr * h.WeightDecay);
                T alpha = T.CreateTruncating(-AdjustedLr(h, t.Rows, t.Cols));
                for (int e = 0; e < grad.Length; e++)
                {
                    t.Param[e] = T.FusedMultiplyAdd(t.Update[e], alpha, t.Param[e] * decay);
                }

                double[] expected = run.Params[step][i];
                for (int e = 0; e < expected.Length; e++)
                {
                    double ours = double.CreateTruncating(t.Param[e]);
                    double error = Math.Abs(ours - expected[e]);
                    worst = Math.Max(worst, error);
                    Assert.True(error <= run.Atol + run.Rtol * Math.Abs(expected[e]),
                        $"{run.Name} step {step + 1} tensor {i} element {e}: {ours} vs torch {expected[e]}");
                }
            }
        }

        return worst;
    }

    /// <summary>ATen's vectorized lerp: fma(w, end − start, start) for w &lt; 0.5, else fma(w − 1, end − start, end).</summary>
    private static T Lerp<T>(T start, T end, T weight) where T : IFloatingPointIeee754<T> =>
        T.Abs(weight) < T.CreateTruncating(0.5)
            ? T.FusedMultiplyAdd(weight, end - start, start)
            : T.FusedMultiplyAdd(weight - T.One, end - start, end);

    /// <summary>torch.optim._muon._adjust_lr, in double as Python computes it.</summary>
    private static double AdjustedLr(MuonHyper h, int rows, int cols) => h.Lr * (h.AdjustLrFn switch
    {
        null or "original" => Math.Sqrt(Math.Max(1, (double)rows / cols)),
        "match_rms_adamw" => 0.2 * Math.Sqrt(Math.Max(rows, cols)),
        "spectral_unclamped" => Math.Sqrt((double)rows / cols),
        _ => 1.0,
    });

    private static void Orthogonalize<T>(NewtonSchulz ns, T[] source, T[] update, NewtonSchulzOptions options)
    {
        if (source is float[] f)
        {
            ns.Orthogonalize(f, (float[])(object)update, options);
        }
        else
        {
            ns.Orthogonalize((double[])(object)source, (double[])(object)update, options);
        }
    }
}
