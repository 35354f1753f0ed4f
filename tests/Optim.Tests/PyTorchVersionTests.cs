using System;
using System.Linq;
using ScratchOptim.Dsl;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Choosing the PyTorch release to reproduce: the same setting, <c>pytorch</c> of type <see cref="PyTorchVersion"/>
/// (default 2.x), on exactly the built-ins whose arithmetic differs between 1.13 and 2.x. The goldens check that each
/// choice is bit-exact with its release; these check the setting itself.
/// </summary>
public class PyTorchVersionTests
{
    private static Parameter<float> NewParameter() => new(Enumerable.Range(0, 37).Select(i => 0.1f * i - 1.7f).ToArray(), "w")
    {
        Grad = Enumerable.Range(0, 37).Select(i => MathF.Sin(i)).ToArray(),
    };

    [Fact]
    public void Exactly_the_optimizers_whose_arithmetic_differs_between_releases_have_the_setting_defaulting_to_2()
    {
        var withSetting = Catalog.All.Where(entry => entry.Info.Hyperparameters.Any(h => h.Type == nameof(PyTorchVersion))).Select(entry => entry.Info.Name).Order();
        // Schedule-Free's Eval lerps with a negative weight, which 1.13 and 2.x round differently.
        Assert.Equal(["Adam", "AdamW", "AdamWScheduleFree", "Adamax", "NAdam", "RAdam", "RMSprop", "SGDScheduleFree"], withSetting);
        foreach (var entry in Catalog.All)
        {
            foreach (var setting in entry.Info.Hyperparameters.Where(h => h.Type == nameof(PyTorchVersion)))
            {
                Assert.Equal("pytorch", setting.Name);
                Assert.Equal("PyTorchVersion.V2", setting.Default);
                Assert.Equal(["V1_13", "V2"], setting.Values);
                Assert.Equal(PyTorchVersion.V2, entry.Create([NewParameter()]).GroupHyperparameters(0).Get("pytorch"));
            }
        }
    }

    [Fact]
    public void The_constructor_argument_the_property_and_Set_by_name_choose_the_same_arithmetic()
    {
        var byConstructor = NewParameter();
        var byProperty = NewParameter();
        var byName = NewParameter();
        var byDefault = NewParameter();
        var first = new NAdam([byConstructor], pytorch: PyTorchVersion.V1_13);
        var second = new NAdam([byProperty]);
        second.ParamGroups[0].Hyper.Pytorch = PyTorchVersion.V1_13;
        var third = new NAdam([byName]);
        third.GroupHyperparameters(0).Set("pytorch", "v1_13");
        var fourth = new NAdam([byDefault]);
        foreach (var optimizer in new Optimizer[] { first, second, third, fourth }) optimizer.Step();

        Assert.Equal(byConstructor.Data.ToArray(), byProperty.Data.ToArray());
        Assert.Equal(byConstructor.Data.ToArray(), byName.Data.ToArray());
        // 1.13's NAdam counted mu twice in its look-ahead: not the same step as 2.x's.
        Assert.NotEqual(byConstructor.Data.ToArray(), byDefault.Data.ToArray());
    }

    [Theory]
    [InlineData("1.13")]
    [InlineData("V3")]
    [InlineData("")]
    public void A_name_that_is_no_version_is_rejected_with_the_allowed_ones_and_changes_nothing(string name)
    {
        var optimizer = new Adam([NewParameter()], pytorch: PyTorchVersion.V1_13);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.GroupHyperparameters(0).Set("pytorch", name));
        Assert.Equal($"Adam: hyperparameter 'pytorch' is a PyTorchVersion (one of V1_13, V2); got {name} (String). (Parameter 'value')", exception.Message);
        Assert.Equal(PyTorchVersion.V1_13, optimizer.ParamGroups[0].Hyper.Pytorch);
    }

    [Fact]
    public void A_number_or_an_unnamed_value_is_rejected()
    {
        var optimizer = new RMSprop([NewParameter()]);
        Assert.Throws<ArgumentException>(() => optimizer.GroupHyperparameters(0).Set("pytorch", 0));
        Assert.Throws<ArgumentException>(() => optimizer.GroupHyperparameters(0).Set("pytorch", 1.0));
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop([NewParameter()], pytorch: (PyTorchVersion)7));
        Assert.Contains("RMSprop: hyperparameter 'pytorch' (torch: pytorch) must be one of V1_13, V2; got 7.", outOfRange.Message);
        Assert.Equal(PyTorchVersion.V2, optimizer.ParamGroups[0].Hyper.Pytorch);
    }

    /// <summary>
    /// PyTorch 2.x takes roots as <c>x ** 0.5</c> (libm's pow), 1.13 as <c>math.sqrt(x)</c>; they differ in the last bit
    /// for about 0.1% of doubles, first at t = 1270 for Adam's 1 - 0.999^t. The declarations use Pow(x, 0.5) for 2.x;
    /// these values were recorded with Python on this machine's glibc and the chroot's PyTorch 2.14 (the same bits).
    /// A float32 kernel rounds the root to float, where a last-bit difference of the double almost never shows; a
    /// float64 one will not round it.
    /// </summary>
    [Theory]
    [InlineData(0.999, 1270, 0x3FEB23FD0F9774CAL, 0x3FEB23FD0F9774C9L)]
    [InlineData(0.999, 2582, 0x3FEEC493C453EE5DL, 0x3FEEC493C453EE5CL)]
    [InlineData(0.999, 5458, 0x3FEFEE9255FB1EA8L, 0x3FEFEE9255FB1EA9L)]
    public void Pow_of_one_half_is_PyTorch_2s_root_and_not_always_sqrt(double beta2, int t, long python2Bits, long python113Bits)
    {
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        Assert.Equal(python2Bits, BitConverter.DoubleToInt64Bits(Math.Pow(biasCorrection2, 0.5)));
        Assert.Equal(python113Bits, BitConverter.DoubleToInt64Bits(Math.Sqrt(biasCorrection2)));
    }

    [Fact]
    public void Each_parameter_group_reproduces_its_own_release()
    {
        var first = NewParameter();
        var second = NewParameter();
        var optimizer = new Adam([first], beta1: 0.3);
        optimizer.AddParamGroup([second], h => h.Pytorch = PyTorchVersion.V1_13);
        var alone113 = NewParameter();
        var torch113 = new Adam([alone113], beta1: 0.3, pytorch: PyTorchVersion.V1_13);
        var alone2 = NewParameter();
        var torch2 = new Adam([alone2], beta1: 0.3);

        for (int step = 1; step <= 10; step++)
        {
            float[] gradient = Enumerable.Range(0, 37).Select(i => MathF.Sin(i * 0.7f + step) * (step % 3 == 0 ? 30 : 1)).ToArray();
            foreach (var parameter in new[] { first, second, alone113, alone2 }) parameter.Grad = gradient;
            foreach (var each in new Optimizer[] { optimizer, torch113, torch2 }) each.Step();
        }
        // The releases round the first moment differently (a multiply-add against lerp's large-weight form).
        Assert.NotEqual(torch2.State<float>(alone2, "m").ToArray(), torch113.State<float>(alone113, "m").ToArray());
        Assert.Equal(torch2.State<float>(alone2, "m").ToArray(), optimizer.State<float>(first, "m").ToArray());
        Assert.Equal(torch113.State<float>(alone113, "m").ToArray(), optimizer.State<float>(second, "m").ToArray());
        Assert.Equal(alone2.Data.ToArray(), first.Data.ToArray());
        Assert.Equal(alone113.Data.ToArray(), second.Data.ToArray());
    }
}
