using System;
using System.Linq;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>The runtime's contract: torch.optim's behaviour, and bad input rejected before anything changes.</summary>
public class OptimizerBehaviourTests
{
    private static Parameter<float> NewParameter(string name, int length, float gradient)
    {
        var parameter = new Parameter<float>(Enumerable.Range(0, length).Select(i => 0.1f * i).ToArray(), name);
        parameter.Grad = Enumerable.Repeat(gradient, length).ToArray();
        return parameter;
    }

    [Fact]
    public void Constructor_rejects_a_hyperparameter_outside_its_range_naming_it_and_the_range()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([NewParameter("w", 3, 1f)], lr: -0.5));
        Assert.Contains("Adam", exception.Message);
        Assert.Contains("'lr'", exception.Message);
        Assert.Contains("[0, ∞)", exception.Message);
        Assert.Contains("-0.5", exception.Message);
    }

    [Fact]
    public void Exclusive_bounds_are_enforced_and_named_with_the_torch_name()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([NewParameter("w", 3, 1f)], beta1: 1.0));
        Assert.Contains("[0, 1)", exception.Message);
        Assert.Contains("betas[0]", exception.Message);
    }

    [Fact]
    public void Setting_a_group_hyperparameter_out_of_range_throws_and_keeps_the_old_value()
    {
        var optimizer = new SGD([NewParameter("w", 3, 1f)], lr: 0.1);
        var hyper = optimizer.ParamGroups[0].Hyper;
        Assert.Throws<ArgumentOutOfRangeException>(() => hyper.Lr = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => hyper.Set("weight_decay", -1.0));
        Assert.Equal(0.1, hyper.Lr);
        Assert.Equal(0.0, hyper.WeightDecay);
    }

    [Fact]
    public void Unknown_hyperparameter_names_list_the_known_ones()
    {
        var optimizer = new AdamW([NewParameter("w", 3, 1f)]);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.GroupHyperparameters(0).Set("momentum", 0.9));
        Assert.Contains("AdamW has no hyperparameter 'momentum'", exception.Message);
        Assert.Contains("weightDecay (weight_decay)", exception.Message);
    }

    [Fact]
    public void A_gradient_of_the_wrong_length_is_refused_when_it_is_set()
    {
        var parameter = NewParameter("second", 4, 1f);
        var exception = Assert.Throws<ArgumentException>(() => parameter.Grad = new float[3]);

        Assert.Contains("second[4]", exception.Message);
        Assert.Contains("has 3 elements; the parameter has 4", exception.Message);
        Assert.Equal(4, parameter.Grad!.Value.Length);
    }

    [Fact]
    public void A_parameter_cannot_be_in_two_groups()
    {
        var shared = NewParameter("shared", 2, 1f);
        var optimizer = new SGD([shared]);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.AddParamGroup([NewParameter("other", 2, 1f), shared]));
        Assert.Contains("SGD: parameter 'shared[2]' is already in a parameter group", exception.Message);
        Assert.Single(optimizer.ParamGroups);
    }

    [Fact]
    public void Step_skips_a_parameter_without_gradient_as_torch_skips_a_None_grad()
    {
        var trained = NewParameter("trained", 3, 1f);
        var frozen = NewParameter("frozen", 3, 1f);
        frozen.Grad = null;
        var optimizer = new SGD([trained, frozen], lr: 0.5);
        float[] before = frozen.Data.ToArray();

        optimizer.Step();

        Assert.Equal(before, frozen.Data.ToArray());
        Assert.Equal(0, optimizer.StepCount(frozen));
        Assert.Equal(1, optimizer.StepCount(trained));
        Assert.Equal(0.1f - 0.5f, trained.Data.Span[1]);
    }

    [Fact]
    public void ZeroGrad_zeroes_in_place_by_default_and_drops_the_gradient_on_request()
    {
        var parameter = NewParameter("w", 3, 2f);
        var optimizer = new SGD([parameter]);
        var memory = parameter.Grad!.Value;

        optimizer.ZeroGrad();
        Assert.True(memory.Span.ToArray().All(x => x == 0f));
        Assert.NotNull(parameter.Grad);

        optimizer.ZeroGrad(setToNone: true);
        Assert.Null(parameter.Grad);
    }

    [Fact]
    public void State_is_reachable_by_declared_and_torch_name_and_absent_when_no_branch_uses_it()
    {
        var parameter = NewParameter("w", 4, 1f);
        var optimizer = new Adam([parameter]);
        optimizer.Step();

        Assert.Equal(optimizer.State<float>(parameter, "m").ToArray(), optimizer.State<float>(parameter, "exp_avg").ToArray());
        Assert.All(optimizer.State<float>(parameter, "exp_avg").ToArray(), x => Assert.Equal((float)(1 - 0.9), x));
        Assert.True(optimizer.State<float>(parameter, "max_exp_avg_sq").IsEmpty);
        Assert.Throws<ArgumentException>(() => optimizer.State<float>(parameter, "momentum_buffer"));
    }

    [Fact]
    public void Each_group_steps_with_its_own_hyperparameters()
    {
        var slow = NewParameter("slow", 3, 1f);
        var fast = NewParameter("fast", 3, 1f);
        var optimizer = new SGD([slow], lr: 0.01);
        optimizer.AddParamGroup([fast], hyper => hyper.Lr = 0.5);

        optimizer.Step();

        Assert.Equal(0.1f - 0.01f, slow.Data.Span[1]);
        Assert.Equal(0.1f - 0.5f, fast.Data.Span[1]);
        Assert.Equal(0.01, optimizer.ParamGroups[0].Hyper.Lr);
    }

    [Fact]
    public void The_span_kernel_rejects_a_short_buffer_before_writing()
    {
        float[] p = [1f, 2f, 3f];
        float[] g = [1f, 1f, 1f];
        float[] m = new float[3];
        float[] v = new float[2];
        var exception = Assert.Throws<ArgumentException>(() => Adam.Apply(new Adam.Hyperparameters(), 1, p, g, m, v, default));
        Assert.Contains("Adam: 'v' has 2 elements; the parameter has 3", exception.Message);
        Assert.Equal([1f, 2f, 3f], p);
        Assert.Equal(new float[3], m);
    }

    [Fact]
    public void The_span_kernel_requires_a_buffer_only_when_a_branch_can_use_it()
    {
        float[] p = [1f, 2f];
        var hyper = new Adam.Hyperparameters { Amsgrad = true };
        Assert.Throws<ArgumentException>(() => Adam.Apply(hyper, 1, p, [1f, 1f], new float[2], new float[2], default));
        hyper.Amsgrad = false;
        Adam.Apply(hyper, 1, p, [1f, 1f], new float[2], new float[2], default);
        Assert.NotEqual(1f, p[0]);
    }

    [Fact]
    public void Loading_state_of_the_wrong_length_throws_and_changes_nothing()
    {
        var parameter = NewParameter("w", 3, 1f);
        var optimizer = new SGD([parameter], momentum: 0.9);
        optimizer.Step();
        float[] before = optimizer.State<float>(parameter, "momentum_buffer").ToArray();

        var exception = Assert.Throws<ArgumentException>(() => optimizer.LoadState(parameter, "momentum_buffer", new float[5], 7));

        Assert.Contains("state 'momentum_buffer' of parameter 'w[3]' needs 3 values; got 5", exception.Message);
        Assert.Equal(before, optimizer.State<float>(parameter, "momentum_buffer").ToArray());
        Assert.Equal(1, optimizer.StepCount(parameter));
    }

    [Fact]
    public void A_shape_that_does_not_match_the_data_is_rejected()
    {
        var exception = Assert.Throws<ArgumentException>(() => new Parameter<float>(new float[6], [4, 2], "w"));
        Assert.Contains("shape [4, 2] holds 8 elements but the data has 6", exception.Message);
    }
}
