using System;
using System.IO;
using System.Linq;
using System.Text;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>Saving and loading optimizer state: a resumed run continues bit for bit; a bad file changes nothing.</summary>
public class StateFileTests
{
    private static Parameter<float>[] NewParameters() =>
    [
        new Parameter<float>(Enumerable.Range(0, 11).Select(i => 0.1f * i - 0.5f).ToArray(), "w"),
        new Parameter<float>(new float[] { 0.25f, -0.75f, 1.5f }, "b"),
    ];

    private static void SetGradients(Parameter<float>[] parameters, int step)
    {
        foreach (var parameter in parameters)
            parameter.Grad = Enumerable.Range(0, parameter.Length).Select(i => MathF.Sin(step * 1.7f + i)).ToArray();
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("NAdam")]
    [InlineData("ASGD")]
    [InlineData("Rprop")]
    [InlineData("Prodigy")]
    [InlineData("Adan")]
    [InlineData("MARS")]
    public void A_run_resumed_from_a_saved_state_continues_bit_for_bit(string name)
    {
        var uninterrupted = NewParameters();
        var original = OptimizerConfigurations.Create(name, everythingOn: true, uninterrupted);
        original.GroupHyperparameters(0).Set("lr", 0.003);
        for (int step = 1; step <= 5; step++)
        {
            SetGradients(uninterrupted, step);
            original.Step();
        }
        using var saved = new MemoryStream();
        original.SaveState(saved);

        var resumedParameters = NewParameters();
        for (int i = 0; i < resumedParameters.Length; i++) uninterrupted[i].Data.CopyTo(resumedParameters[i].Data);
        var resumed = Catalog.Find(name)!.Create(resumedParameters);
        saved.Position = 0;
        resumed.LoadState(saved);

        for (int step = 6; step <= 9; step++)
        {
            SetGradients(uninterrupted, step);
            SetGradients(resumedParameters, step);
            original.Step();
            resumed.Step();
        }
        for (int i = 0; i < uninterrupted.Length; i++)
            Assert.Equal(uninterrupted[i].Data.ToArray(), resumedParameters[i].Data.ToArray());
        Assert.Equal(0.003, resumed.GroupHyperparameters(0).Get("lr"));
        Assert.Equal(9, resumed.StepCount(resumedParameters[1]));
    }

    [Fact]
    public void A_state_of_the_wrong_length_is_rejected_naming_where_and_nothing_changes()
    {
        var (optimizer, parameters, file) = SavedAdam();
        var json = System.Text.Json.Nodes.JsonNode.Parse(file)!;
        json["groups"]![0]!["hyperparameters"]!["lr"] = 0.5;
        json["groups"]![0]!["parameters"]![1]!["state"]!["exp_avg"]!.AsArray().RemoveAt(0);

        var exception = AssertLoadFails(optimizer, json.ToJsonString());

        Assert.Contains("Adam: cannot load this state file: group 0, parameter 1 ('b[3]'): state 'exp_avg' has 2 values; it needs 3", exception.Message);
        Assert.Equal(0.001, optimizer.GroupHyperparameters(0).Get("lr"));
        Assert.Equal(2, optimizer.StepCount(parameters[0]));
        Assert.NotEqual(0f, optimizer.State<float>(parameters[1], "exp_avg")[0]);
    }

    [Theory]
    [InlineData("{ \"format\": \"scratchoptim-state/1\", \"optimizer\": \"Adam\", \"groups\": [", "the file is not JSON")]
    [InlineData("[1, 2]", "the file is not a JSON object")]
    [InlineData("{ \"format\": \"scratchoptim-state/1\", \"optimizer\": \"SGD\", \"groups\": [] }", "it holds the state of 'SGD', not of Adam")]
    [InlineData("{ \"format\": \"scratchoptim-state/1\", \"optimizer\": \"Adam\", \"groups\": [] }", "it has 0 parameter groups; this optimizer has 1")]
    public void A_file_that_is_not_this_optimizers_state_is_rejected(string file, string reason)
    {
        var (optimizer, _, _) = SavedAdam();
        Assert.Contains(reason, AssertLoadFails(optimizer, file).Message);
    }

    [Fact]
    public void A_hyperparameter_out_of_range_in_the_file_is_rejected_and_nothing_changes()
    {
        var (optimizer, parameters, file) = SavedAdam();
        var json = System.Text.Json.Nodes.JsonNode.Parse(file)!;
        json["groups"]![0]!["parameters"]![0]!["step"] = 7;
        json["groups"]![0]!["hyperparameters"]!["beta1"] = 1.5;

        var exception = AssertLoadFails(optimizer, json.ToJsonString());

        Assert.Equal("Adam: cannot load this state file: group 0: Adam: hyperparameter 'beta1' (torch: betas[0]) must be in [0, 1); got 1.5. Nothing was changed.", exception.Message);
        Assert.Equal(2, optimizer.StepCount(parameters[0]));
        Assert.Equal(0.9, optimizer.GroupHyperparameters(0).Get("beta1"));
    }

    [Theory]
    [InlineData("lr", "\"NaN\"", "Adam: hyperparameter 'lr' (torch: lr) must be in [0, ∞); got NaN")]
    [InlineData("amsgrad", "3", "Adam: hyperparameter 'amsgrad' is a Boolean; got 3 (Double)")]
    public void A_bad_hyperparameter_in_the_file_is_one_line_without_dotnets_parameter_name_and_value(string name, string value, string reason)
    {
        var (optimizer, _, file) = SavedAdam();
        var json = System.Text.Json.Nodes.JsonNode.Parse(file)!;
        json["groups"]![0]!["hyperparameters"]![name] = System.Text.Json.Nodes.JsonNode.Parse(value);

        var exception = AssertLoadFails(optimizer, json.ToJsonString());

        Assert.Equal($"Adam: cannot load this state file: group 0: {reason}. Nothing was changed.", exception.Message);
    }

    private static (Optimizer Optimizer, Parameter<float>[] Parameters, string File) SavedAdam()
    {
        var parameters = NewParameters();
        var optimizer = new Adam(parameters);
        for (int step = 1; step <= 2; step++)
        {
            SetGradients(parameters, step);
            optimizer.Step();
        }
        using var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return (optimizer, parameters, Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static InvalidDataException AssertLoadFails(Optimizer optimizer, string file) =>
        Assert.Throws<InvalidDataException>(() => optimizer.LoadState(new MemoryStream(Encoding.UTF8.GetBytes(file))));
}
