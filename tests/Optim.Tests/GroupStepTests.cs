using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Optimizers whose update reads values of all their tensors (Adan's global gradient clipping, Prodigy's step-size
/// estimate): the sums run over exactly the tensors that have a gradient, in every group (both declare
/// <c>AcrossGroups</c>, as their authors' code), the group state is one value that every group holds and the runtime
/// reads, loads and saves, and nothing changes without a gradient.
/// </summary>
public class GroupStepTests
{
    private static Parameter<float>[] NewParameters(int seed) =>
    [
        new Parameter<float>(Values(seed, 300), [300], "w"),
        new Parameter<float>(Values(seed + 1, 35), [5, 7], "m"),
        new Parameter<float>(Values(seed + 2, 9), [9], "b"),
    ];

    private static float[] Values(int seed, int length)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static void SetGradients(Parameter<float>[] parameters, int step, float scale = 3f)
    {
        foreach (var parameter in parameters)
            parameter.Grad = Values(step * 31 + parameter.Length, parameter.Length).Select(x => x * scale).ToArray();
    }

    private static float[][] Data(Parameter<float>[] parameters) => parameters.Select(p => p.Data.ToArray()).ToArray();

    [Fact]
    public void Global_clipping_scales_every_gradient_of_the_group_by_the_norm_of_all_of_them()
    {
        const double maxNorm = 0.5;
        var clipped = NewParameters(1);
        var scaled = NewParameters(1);
        var adan = new Adan(clipped, lr: 0.01, maxGradNorm: maxNorm);
        var reference = new Adan(scaled, lr: 0.01);
        SetGradients(clipped, 1);
        SetGradients(scaled, 1);
        // The group's norm over all three tensors (about 30 here): every gradient is scaled by maxNorm / norm.
        double norm = Math.Sqrt(clipped.Sum(p => p.Grad!.Value.ToArray().Sum(g => (double)g * g)));
        Assert.True(norm > 10 * maxNorm);
        float factor = (float)Math.Min(maxNorm / (norm + 1e-8), 1);
        foreach (var parameter in scaled) parameter.Grad = parameter.Grad!.Value.ToArray().Select(g => g * factor).ToArray();

        adan.Step();
        reference.Step();
        // The factor differs from the test's in the last bits at most (the sum's order): the steps agree to a few ulps.
        for (int t = 0; t < clipped.Length; t++)
            for (int i = 0; i < clipped[t].Length; i++)
                Assert.Equal(scaled[t].Data.Span[i], clipped[t].Data.Span[i], 1e-6);
        Assert.NotEqual(Data(NewParameters(1)).SelectMany(x => x), Data(clipped).SelectMany(x => x));
    }

    [Fact]
    public void Adans_clipping_norm_spans_every_group()
    {
        // As the authors' code: two groups clip by one norm over all their tensors, so they step exactly as one group.
        var twoGroups = NewParameters(2);
        var oneGroup = NewParameters(2);
        var split = new Adan(twoGroups[..2], lr: 0.01, maxGradNorm: 0.5);
        split.AddParamGroup([twoGroups[2]]);
        var whole = new Adan(oneGroup, lr: 0.01, maxGradNorm: 0.5);
        var alone = NewParameters(2)[2..];
        var ownNorm = new Adan(alone, lr: 0.01, maxGradNorm: 0.5);
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(twoGroups, step);
            SetGradients(oneGroup, step);
            SetGradients(alone, step);
            split.Step();
            whole.Step();
            ownNorm.Step();
        }
        Assert.Equal(Data(oneGroup), Data(twoGroups));
        // Clipped by its own norm alone, the small tensor would have moved differently.
        Assert.NotEqual(Data(alone)[0], Data(twoGroups)[2]);
    }

    [Fact]
    public void Prodigys_estimate_is_one_value_for_all_groups_each_with_its_own_weight_decay()
    {
        var twoGroups = NewParameters(8);
        var oneGroup = NewParameters(8);
        var split = new Prodigy(twoGroups[..2]);
        split.AddParamGroup([twoGroups[2]]);
        var whole = new Prodigy(oneGroup);
        for (int step = 1; step <= 5; step++)
        {
            SetGradients(twoGroups, step, scale: 0.1f);
            SetGradients(oneGroup, step, scale: 0.1f);
            split.Step();
            whole.Step();
        }
        Assert.Equal(Data(oneGroup), Data(twoGroups));
        foreach (var name in new[] { "d", "d_max", "d_numerator", "d_denom", "d_hat", "k" })
        {
            Assert.Equal(whole.GroupStateValue(0, name), split.GroupStateValue(0, name));
            Assert.Equal(whole.GroupStateValue(0, name), split.GroupStateValue(1, name));
        }

        // Weight decay is each group's own: only the second group's tensor feels it.
        split.ParamGroups[1].Hyper.WeightDecay = 0.5;
        whole.ParamGroups[0].Hyper.WeightDecay = 0;
        SetGradients(twoGroups, 6, scale: 0.1f);
        SetGradients(oneGroup, 6, scale: 0.1f);
        split.Step();
        whole.Step();
        Assert.Equal(Data(oneGroup)[..2], Data(twoGroups)[..2]);
        Assert.NotEqual(Data(oneGroup)[2], Data(twoGroups)[2]);
        Assert.Equal(whole.GroupStateValue(0, "d"), split.GroupStateValue(1, "d"));
    }

    [Fact]
    public void Groups_that_differ_in_what_the_shared_estimate_reads_are_refused_before_anything_changes()
    {
        var parameters = NewParameters(9);
        var prodigy = new Prodigy(parameters[..2]);
        prodigy.AddParamGroup([parameters[2]], hyper => hyper.Lr = 0.5);
        SetGradients(parameters, 1);
        var before = Data(parameters);

        var refused = Assert.Throws<InvalidOperationException>(prodigy.Step);
        Assert.Equal("Prodigy: hyperparameter 'lr' is 1 in group 0 but 0.5 in group 1; Prodigy computes the values its groups "
            + "share with the first group's hyperparameters, so every group needs the same 'lr'. Nothing was updated.", refused.Message);
        Assert.Equal(before, Data(parameters));
        Assert.All(parameters, p => Assert.Equal(0, prodigy.StepCount(p)));
        Assert.Null(prodigy.GroupStateValue(0, "d"));

        // A null beta3 is a setting of its own too.
        prodigy.ParamGroups[1].Hyper.Lr = 1;
        prodigy.ParamGroups[1].Hyper.Beta3 = 0.9;
        Assert.Contains("'beta3' is null in group 0 but 0.9 in group 1", Assert.Throws<InvalidOperationException>(prodigy.Step).Message, StringComparison.Ordinal);
        prodigy.ParamGroups[1].Hyper.Beta3 = null;
        prodigy.Step();
        Assert.All(parameters, p => Assert.Equal(1, prodigy.StepCount(p)));

        // Whether Adan clips at all is decided once, by maxGradNorm; weight decay and eps stay each group's own.
        var adan = new Adan(parameters[..2], maxGradNorm: 1);
        var second = adan.AddParamGroup([parameters[2]], hyper =>
        {
            hyper.WeightDecay = 0.1;
            hyper.Eps = 1e-6;
        });
        adan.Step();
        second.Hyper.MaxGradNorm = 2;
        Assert.Contains("'maxGradNorm' is 1 in group 0 but 2 in group 1", Assert.Throws<InvalidOperationException>(adan.Step).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_without_gradients_or_added_later_holds_the_shared_estimate()
    {
        var parameters = NewParameters(10);
        var prodigy = new Prodigy(parameters[..2]);
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(parameters[..2], step);
            prodigy.Step();
        }
        prodigy.AddParamGroup([parameters[2]]);
        Assert.Equal(prodigy.GroupStateValue(0, "d"), prodigy.GroupStateValue(1, "d"));
        SetGradients(parameters[..2], 4);
        parameters[2].Grad = null;
        var untouched = parameters[2].Data.ToArray();
        prodigy.Step();
        Assert.Equal(untouched, parameters[2].Data.ToArray());
        Assert.Equal(prodigy.GroupStateValue(0, "d"), prodigy.GroupStateValue(1, "d"));
        Assert.Equal(4.0, prodigy.GroupStateValue(1, "k"));

        // Loading the shared estimate through any group loads it for all.
        prodigy.LoadGroupState(1, "d", 0.25);
        Assert.Equal(0.25, prodigy.GroupStateValue(0, "d"));
        Assert.Equal(0.25, prodigy.GroupStateValue(1, "d"));
    }

    [Fact]
    public void A_run_resumed_from_a_state_file_steps_on_with_the_same_shared_estimate()
    {
        // Each group's entry holds the shared values; a resumed optimizer reads them as the first one would.
        var original = NewParameters(11);
        var prodigy = new Prodigy(original[..2]);
        prodigy.AddParamGroup([original[2]], hyper => hyper.WeightDecay = 0.1);
        for (int step = 1; step <= 4; step++)
        {
            SetGradients(original, step, scale: 0.1f);
            prodigy.Step();
        }
        using var saved = new MemoryStream();
        prodigy.SaveState(saved);
        var groups = JsonNode.Parse(saved.ToArray())!["groups"]!.AsArray();
        Assert.Equal(groups[0]!["state"]!["d"]!.GetValue<double>(), groups[1]!["state"]!["d"]!.GetValue<double>());

        var copies = original.Select(p => new Parameter<float>(p.Data.ToArray(), p.Shape.ToArray(), p.Name)).ToArray();
        var resumed = new Prodigy(copies[..2]);
        resumed.AddParamGroup([copies[2]]);
        saved.Position = 0;
        resumed.LoadState(saved);
        for (int step = 5; step <= 7; step++)
        {
            SetGradients(original, step, scale: 0.1f);
            SetGradients(copies, step, scale: 0.1f);
            prodigy.Step();
            resumed.Step();
        }
        Assert.Equal(Data(original), Data(copies));
        Assert.Equal(prodigy.GroupStateValue(1, "d"), resumed.GroupStateValue(1, "d"));
    }

    [Fact]
    public void A_state_file_whose_groups_differ_in_the_shared_estimate_loads_the_first_groups_into_every_group()
    {
        var parameters = NewParameters(12);
        var prodigy = new Prodigy(parameters[..2]);
        prodigy.AddParamGroup([parameters[2]]);
        SetGradients(parameters, 1, scale: 0.1f);
        prodigy.Step();
        double d = prodigy.GroupStateValue(0, "d")!.Value;
        using var saved = new MemoryStream();
        prodigy.SaveState(saved);
        var file = JsonNode.Parse(saved.ToArray())!;
        file["groups"]![1]!["state"]!["d"] = 0.5;

        var resumed = new Prodigy(NewParameters(12)[..2]);
        resumed.AddParamGroup([NewParameters(12)[2]]);
        resumed.LoadState(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(file.ToJsonString())));
        Assert.Equal(d, resumed.GroupStateValue(0, "d"));
        Assert.Equal(d, resumed.GroupStateValue(1, "d"));
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_out_of_the_group_sums_and_the_step()
    {
        var withNone = NewParameters(3);
        var without = NewParameters(3)[..2];
        var prodigy = new Prodigy(withNone);
        var reference = new Prodigy(without);
        for (int step = 1; step <= 4; step++)
        {
            SetGradients(withNone, step);
            SetGradients(without, step);
            withNone[2].Grad = null;
            prodigy.Step();
            reference.Step();
        }
        Assert.Equal(Data(without), Data(withNone)[..2]);
        Assert.Equal(Data(NewParameters(3))[2], Data(withNone)[2]);
        Assert.Empty(prodigy.StateValues(withNone[2], "exp_avg"));
        Assert.Equal(reference.GroupStateValue(0, "d"), prodigy.GroupStateValue(0, "d"));
    }

    [Fact]
    public void A_group_without_any_gradient_keeps_its_group_state()
    {
        var parameters = NewParameters(4);
        var prodigy = new Prodigy(parameters);
        Assert.Null(prodigy.GroupStateValue(0, "d"));
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(parameters, step);
            prodigy.Step();
        }
        double? d = prodigy.GroupStateValue(0, "d");
        Assert.Equal(3.0, prodigy.GroupStateValue(0, "k"));
        prodigy.ZeroGrad(setToNone: true);
        prodigy.Step();
        Assert.Equal(d, prodigy.GroupStateValue(0, "d"));
        Assert.Equal(3.0, prodigy.GroupStateValue(0, "k"));
    }

    [Fact]
    public void Prodigys_estimate_grows_from_d0_and_is_one_value_for_the_group()
    {
        var parameters = NewParameters(5);
        var prodigy = new Prodigy(parameters, d0: 1e-6);
        for (int step = 1; step <= 20; step++)
        {
            SetGradients(parameters, step, scale: 0.1f);
            prodigy.Step();
        }
        double d = prodigy.GroupStateValue(0, "d")!.Value;
        Assert.True(d > 1e-6, $"d = {d}");
        Assert.Equal(d, prodigy.GroupStateValue(0, "d_max"));
        Assert.Equal(20.0, prodigy.GroupStateValue(0, "k"));
        Assert.Equal(StateLayout.Group, Prodigy.Documentation.States.Single(s => s.Name == "d").Layout);
    }

    [Fact]
    public void Group_state_is_read_and_loaded_per_group_not_per_parameter()
    {
        var parameters = NewParameters(6);
        var prodigy = new Prodigy(parameters);
        SetGradients(parameters, 1);
        prodigy.Step();

        var perParameter = Assert.Throws<ArgumentException>(() => prodigy.StateValues(parameters[0], "d"));
        Assert.Contains("GroupStateValue", perParameter.Message, StringComparison.Ordinal);
        var perGroup = Assert.Throws<ArgumentException>(() => prodigy.GroupStateValue(0, "exp_avg"));
        Assert.Contains("per parameter", perGroup.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => prodigy.GroupStateValue(1, "d"));

        prodigy.LoadGroupState(0, "d", 0.25);
        Assert.Equal(0.25, prodigy.GroupStateValue(0, "d"));
        // The loaded estimate scales the next step: Adam's direction times about lr * d.
        var before = parameters[0].Data.ToArray();
        SetGradients(parameters, 2);
        prodigy.Step();
        double moved = before.Zip(parameters[0].Data.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(moved > 1e-3, $"moved {moved}");
    }

    [Fact]
    public void The_state_file_holds_the_group_state_and_a_bad_value_changes_nothing()
    {
        var parameters = NewParameters(7);
        var prodigy = new Prodigy(parameters);
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(parameters, step);
            prodigy.Step();
        }
        using var saved = new MemoryStream();
        prodigy.SaveState(saved);
        var json = JsonNode.Parse(saved.ToArray())!;
        var groupState = json["groups"]![0]!["state"]!.AsObject();
        Assert.Equal(prodigy.GroupStateValue(0, "d"), groupState["d"]!.GetValue<double>());
        Assert.Equal(3.0, groupState["k"]!.GetValue<double>());
        Assert.Null(json["groups"]![0]!["parameters"]![0]!["state"]!["d"]);

        groupState["d"] = "large";
        var d = prodigy.GroupStateValue(0, "d");
        var corrupt = Assert.Throws<InvalidDataException>(() => prodigy.LoadState(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()))));
        Assert.Contains("group state 'd'", corrupt.Message, StringComparison.Ordinal);
        Assert.Equal(d, prodigy.GroupStateValue(0, "d"));

        // A per-parameter entry for a group state is not the file of this optimizer either.
        groupState["d"] = 1.0;
        json["groups"]![0]!["parameters"]![0]!["state"]!["d"] = new JsonArray(1.0);
        Assert.Throws<InvalidDataException>(() => prodigy.LoadState(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()))));
        Assert.Equal(d, prodigy.GroupStateValue(0, "d"));
    }

    [Fact]
    public void A_group_may_mix_float_and_double_tensors()
    {
        var single = new Parameter<float>(Values(8, 40), "single");
        var real = new Parameter<double>(Values(9, 40).Select(x => (double)x).ToArray(), "real");
        var prodigy = new Prodigy([single, real]);
        var singles = new[] { new Parameter<float>(Values(8, 40), "single"), new Parameter<float>(Values(9, 40), "real") };
        var reference = new Prodigy(singles);
        for (int step = 1; step <= 5; step++)
        {
            var g1 = Values(step, 40);
            var g2 = Values(step + 100, 40);
            single.Grad = g1;
            real.Grad = g2.Select(x => (double)x).ToArray();
            singles[0].Grad = g1;
            singles[1].Grad = g2;
            prodigy.Step();
            reference.Step();
        }
        // The double tensor's share is summed in double: close to, not the same bits as, an all-float group.
        double d = prodigy.GroupStateValue(0, "d")!.Value;
        Assert.Equal(reference.GroupStateValue(0, "d")!.Value, d, d * 1e-4);
        Assert.True(real.Data.ToArray().Zip(singles[1].Data.ToArray(), (a, b) => Math.Abs(a - b)).Max() < 1e-4);
    }
}
