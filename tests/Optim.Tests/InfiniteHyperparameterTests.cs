using System;
using System.IO;
using System.Linq;
using System.Text;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// No hyperparameter takes ±∞, whatever its printed range (a range printed <c>[0, ∞)</c> excludes ∞): not in the
/// constructor, not through <c>Set</c> or a property, not from a state file, where <c>1e400</c> reads as ∞ (issue 14).
/// </summary>
public class InfiniteHyperparameterTests
{
    private static Parameter<float>[] Parameters() => [new Parameter<float>(new float[] { 1, -2, 3 }, "w")];

    public static TheoryData<string, string> DoubleHyperparameters()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in Catalog.All)
            foreach (var hyper in entry.Info.Hyperparameters.Where(h => h.Type is "double" or "double?"))
                data.Add(entry.Info.Name, hyper.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(DoubleHyperparameters))]
    public void Set_refuses_plus_and_minus_infinity_and_keeps_the_value(string optimizerName, string hyperparameter)
    {
        var entry = Catalog.Find(optimizerName)!;
        // A matrix for an optimizer of matrices (Muon), a vector for the others.
        var optimizer = entry.Create(entry.Info.MinRank >= 2 ? [new Parameter<float>(new float[] { 1, -2, 3 }, [3, 1], "w")] : Parameters());
        var settings = optimizer.GroupHyperparameters(0);
        object? before = settings.Get(hyperparameter);
        foreach (double infinity in new[] { double.PositiveInfinity, double.NegativeInfinity })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => settings.Set(hyperparameter, infinity));
            Assert.Contains($"hyperparameter '{hyperparameter}'", exception.Message, StringComparison.Ordinal);
        }
        Assert.Equal(before, settings.Get(hyperparameter));
    }

    [Fact]
    public void Constructors_and_properties_refuse_infinity_in_ranges_printed_up_to_infinity()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(Parameters(), lr: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(Parameters(), weightDecay: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(Parameters(), eps: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(Parameters(), lr: 0.1, momentum: double.PositiveInfinity));
        var sgd = new SGD(Parameters(), lr: 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.ParamGroups[0].Hyper.Lr = double.PositiveInfinity);
        Assert.Equal(0.1, sgd.ParamGroups[0].Hyper.Lr);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("\"Infinity\"")]
    public void A_state_file_with_an_infinite_learning_rate_is_an_invalid_data_exception(string lr)
    {
        var optimizer = new Adam(Parameters(), lr: 0.01);
        using var stream = new MemoryStream();
        optimizer.SaveState(stream);
        string file = Encoding.UTF8.GetString(stream.ToArray()).Replace("\"lr\": 0.01", $"\"lr\": {lr}", StringComparison.Ordinal);

        var exception = Assert.Throws<InvalidDataException>(() => optimizer.LoadState(new MemoryStream(Encoding.UTF8.GetBytes(file))));

        Assert.Contains("'lr'", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0.01, optimizer.ParamGroups[0].Hyper.Lr);
    }
}
