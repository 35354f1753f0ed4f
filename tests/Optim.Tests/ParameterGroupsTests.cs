using System;
using System.Linq;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// torch-like construction: several parameter groups with their own settings in one constructor call
/// (<c>AdamW([{"params": ...}, {"params": ..., "weight_decay": 0}])</c>), and an empty parameter list refused.
/// </summary>
public class ParameterGroupsTests
{
    private static Parameter<float> NewParameter(string name, int length)
    {
        var parameter = new Parameter<float>(Enumerable.Range(0, length).Select(i => 0.5f - 0.125f * i).ToArray(), name);
        parameter.Grad = Enumerable.Range(0, length).Select(i => MathF.Cos(i)).ToArray();
        return parameter;
    }

    [Fact]
    public void Several_groups_in_one_constructor_call_take_the_constructors_settings_changed_by_their_own()
    {
        var weight = NewParameter("weight", 6);
        var bias = NewParameter("bias", 2);
        var norm = NewParameter("norm", 3);

        var optimizer = new AdamW(new ParameterGroups
        {
            { [weight, norm] },
            { [bias], ("weight_decay", 0.0), ("lr", 0.5) },
        }, lr: 1e-3, weightDecay: 0.1);

        Assert.Equal(2, optimizer.GroupCount);
        Assert.Equal(new Parameter[] { weight, norm }, optimizer.ParamGroups[0].Parameters);
        Assert.Equal((1e-3, 0.1), (optimizer.ParamGroups[0].Hyper.Lr, optimizer.ParamGroups[0].Hyper.WeightDecay));
        Assert.Equal((0.5, 0.0), (optimizer.ParamGroups[1].Hyper.Lr, optimizer.ParamGroups[1].Hyper.WeightDecay));
        Assert.Equal(optimizer.ParamGroups[0].Hyper.Beta2, optimizer.ParamGroups[1].Hyper.Beta2);
    }

    [Fact]
    public void Groups_made_in_one_call_step_as_groups_added_one_by_one()
    {
        Parameter<float>[] Model() => [NewParameter("weight", 9), NewParameter("bias", 3)];
        var together = Model();
        var oneByOne = Model();
        var first = new AdamW(new ParameterGroups { { [together[0]] }, { [together[1]], ("weight_decay", 0.0) } }, lr: 0.01, weightDecay: 0.1);
        var second = new AdamW([oneByOne[0]], lr: 0.01, weightDecay: 0.1);
        second.AddParamGroup([oneByOne[1]], h => h.WeightDecay = 0);

        for (int step = 0; step < 3; step++)
        {
            first.Step();
            second.Step();
        }

        for (int i = 0; i < together.Length; i++) Assert.Equal(oneByOne[i].Data.ToArray(), together[i].Data.ToArray());
    }

    [Fact]
    public void A_bad_group_adds_no_group_at_all()
    {
        var optimizer = new SGD([NewParameter("first", 2)], lr: 0.1);
        var second = NewParameter("second", 2);
        var third = NewParameter("third", 2);

        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.AddParamGroups(new ParameterGroups { { [second] }, { [third], ("momentum", -1.0) } }));
        Assert.Contains("'momentum'", outOfRange.Message);
        var unknown = Assert.Throws<ArgumentException>(() => optimizer.AddParamGroups(new ParameterGroups { { [second] }, { [third], ("betas[0]", 0.9) } }));
        Assert.Contains("SGD has no hyperparameter 'betas[0]'", unknown.Message);
        var twice = Assert.Throws<ArgumentException>(() => optimizer.AddParamGroups(new ParameterGroups { { [second] }, { [third, second] } }));
        Assert.Contains("parameter group 1: parameter 'second[2]' is already in a parameter group", twice.Message);

        Assert.Equal(1, optimizer.GroupCount);
        optimizer.AddParamGroups(new ParameterGroups { { [second] }, { [third] } }); // both were left free
        Assert.Equal(3, optimizer.GroupCount);
    }

    [Fact]
    public void An_empty_parameter_list_is_refused_as_in_torch()
    {
        Assert.Contains("the parameter list is empty", Assert.Throws<ArgumentException>(() => new AdamW([])).Message);
        Assert.Contains("the list of parameter groups is empty", Assert.Throws<ArgumentException>(() => new AdamW(new ParameterGroups())).Message);
        var emptyGroup = Assert.Throws<ArgumentException>(() => new SGD(new ParameterGroups { { [NewParameter("w", 2)] }, { [] } }, lr: 0.1));
        Assert.Contains("parameter group 1: the parameter list is empty", emptyGroup.Message);
        var optimizer = new SGD([NewParameter("w", 2)], lr: 0.1);
        Assert.Throws<ArgumentException>(() => optimizer.AddParamGroup([]));
        Assert.Equal(1, optimizer.GroupCount);
    }
}
