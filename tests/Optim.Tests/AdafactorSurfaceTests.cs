using System;
using System.IO;
using System.Linq;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// What Adafactor brought to the surface: an optional setting (eps1, PyTorch's eps[0] = None) that takes null by name,
/// by property and through a state file; and a range of ranks (vectors and matrices) refused before any step.
/// </summary>
public class AdafactorSurfaceTests
{
    private static Parameter<float> Matrix(string name = "w") =>
        new(Enumerable.Range(0, 12).Select(i => 0.1f * i - 0.6f).ToArray(), [3, 4], name);

    [Fact]
    public void An_optional_setting_takes_null_and_a_number_by_name()
    {
        var settings = new Adafactor([Matrix()]).GroupHyperparameters(0);
        Assert.Null(settings.Get("eps1"));

        settings.Set("eps1", 1e-20);
        Assert.Equal(1e-20, settings.Get("eps1"));

        settings.Set("eps1", null);
        Assert.Null(settings.Get("eps1"));
    }

    [Fact]
    public void A_plain_setting_refuses_null_and_keeps_its_value()
    {
        var settings = new Adafactor([Matrix()]).GroupHyperparameters(0);
        Assert.ThrowsAny<ArgumentException>(() => settings.Set("eps2", null));
        Assert.Equal(1e-3, settings.Get("eps2"));
    }

    [Fact]
    public void An_optional_setting_still_has_its_range()
    {
        var settings = new Adafactor([Matrix()]).GroupHyperparameters(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => settings.Set("eps1", -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => settings.Set("eps1", double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor([Matrix()], eps1: double.NaN));
        Assert.Null(settings.Get("eps1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1e-25)]
    public void A_state_file_keeps_an_optional_setting_null_or_set(double? eps1)
    {
        var parameter = Matrix();
        var original = new Adafactor([parameter], eps1: eps1);
        parameter.Grad = Enumerable.Range(0, 12).Select(i => MathF.Cos(i)).ToArray();
        original.Step();
        using var saved = new MemoryStream();
        original.SaveState(saved);

        var resumed = new Adafactor([Matrix()], eps1: 0.5);
        saved.Position = 0;
        resumed.LoadState(saved);
        Assert.Equal(eps1, (double?)resumed.GroupHyperparameters(0).Get("eps1"));
    }

    [Fact]
    public void A_tensor_of_more_dimensions_than_the_optimizer_takes_is_refused_when_added()
    {
        Assert.Equal(0, Adafactor.Documentation.MinRank);
        Assert.Equal(2, Adafactor.Documentation.MaxRank);
        var cube = new Parameter<float>(new float[8], [2, 2, 2], "cube");

        var exception = Assert.Throws<ArgumentException>(() => new Adafactor([Matrix(), cube]));
        Assert.Contains("'cube[2x2x2]' has 3 dimensions", exception.Message, StringComparison.Ordinal);

        var optimizer = new Adafactor([Matrix()]);
        Assert.Throws<ArgumentException>(() => optimizer.AddParamGroup([cube]));
        Assert.Equal(1, optimizer.GroupCount);
    }

    [Fact]
    public void Optimizers_without_a_declared_range_take_any_rank()
    {
        Assert.Equal(0, Adam.Documentation.MinRank);
        Assert.Equal(int.MaxValue, Adam.Documentation.MaxRank);
        var cube = new Parameter<float>(new float[8], [2, 2, 2], "cube");
        cube.Grad = new float[8];
        new Adam([cube]).Step();
    }
}
