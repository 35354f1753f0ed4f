using System;
using System.IO;
using System.Text.Json.Nodes;
using ScratchOptim.Replay;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// The replay of the authors' protocols besides step(): a case whose protocol data is malformed is refused when read,
/// naming the field; a protocol the optimizer cannot follow, or a group value that differs, fails the case, saying where.
/// </summary>
public class CaseProtocolTests
{
    private static readonly string Sophia = Path.Combine(Paths.Goldens, "authors", "sophia", "sophiag_default_f32_s2.json");
    private static readonly string ScheduleFree = Path.Combine(Paths.Goldens, "authors", "schedulefree_sgd", "sf_sgd_default_f32_s2.json");
    private static readonly string Soap = Path.Combine(Paths.Goldens, "authors", "soap", "soap_default_f32_s2.json");

    [Theory]
    [InlineData("hessian_grads", "'extra.hessian_grads' is not a list of 30 steps")]
    [InlineData("step_kwargs", "'extra.step_kwargs' is not an object of keyword arguments")]
    public void Malformed_Sophia_protocol_data_is_refused_naming_the_field(string field, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => EditedCase.Run(Sophia, json => json["extra"]![field] = new JsonArray(1, 2), out _));
        Assert.EndsWith(message + ".", error.Message);
    }

    [Fact]
    public void Evaluated_parameters_of_the_wrong_length_are_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => EditedCase.Run(ScheduleFree, json => json["extra"]!["eval_params_final"]![1]!.AsArray().RemoveAt(0), out _));
        Assert.EndsWith("'extra.eval_params_final' has 34 values for tensor 1, whose shape holds 35.", error.Message);
    }

    [Fact]
    public void A_group_value_that_is_not_a_number_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => EditedCase.Run(ScheduleFree, json => json["group_history"]![3]![0]!["lr_max"] = "high", out _));
        Assert.EndsWith("'group_history' has a value 'lr_max' that is not a number.", error.Message);
    }

    [Fact]
    public void A_protocol_the_optimizer_cannot_follow_fails_the_case()
    {
        var result = EditedCase.Run(Sophia, json => json["optimizer"] = "Adam", out _);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.Equal("Adam has no procedure UpdateHessian, which the case's protocol calls", result.Message);
    }

    [Fact]
    public void A_group_value_that_differs_fails_the_case_naming_it_and_the_step()
    {
        var result = EditedCase.Run(ScheduleFree, json => json["group_history"]![4]![0]!["weight_sum"] = 1.5, out _);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.StartsWith("after step 5 param-group value 'weight_sum' of tensor 0: got ", result.Message);

        result = EditedCase.Run(ScheduleFree, json => json["extra"]!["eval_params_final"]![0]![3] = 99.0, out _);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.StartsWith("after Eval(), tensor 0, element 3: got ", result.Message);
    }

    /// <summary>
    /// SOAP keeps its statistics as a list of tensors (GG: one per preconditioned side; tensor 1 is a 5 × 7 matrix, so
    /// both sides), which the replay compares with the library's GG[0] and GG[1] in order; the unchanged case passes.
    /// </summary>
    [Fact]
    public void A_list_state_that_differs_or_has_another_length_fails_the_case_naming_the_item()
    {
        Assert.Equal(ReplayStatus.Passed, EditedCase.Run(Soap, _ => { }, out _).Status);

        var result = EditedCase.Run(Soap, json => json["final_state"]!["1"]!["GG"]![1]![4] = 99.0, out _);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.StartsWith("final state 'GG[1]' of tensor 1, element 4: got ", result.Message);

        result = EditedCase.Run(Soap, json => json["final_state"]!["1"]!["GG"]!.AsArray().RemoveAt(0), out _);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.StartsWith("final state 'GG' of tensor 1: 2 tensors, expected 1", result.Message);

        result = EditedCase.Run(Soap, json => json["final_state"]!["0"]!["step"] = 30, out _);
        Assert.Equal(ReplayStatus.Failed, result.Status);
        Assert.StartsWith("final state 'step' of tensor 0, element 0: got 29, expected 30", result.Message);
    }
}
