using System;
using System.IO;
using System.Linq;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Procedures at run time: the generated methods (Schedule-Free's Eval and Train, SophiaG's UpdateHessian) and
/// <see cref="Optimizer.RunProcedure(string)"/> run over every parameter as the authors' methods do, skip what those
/// skip, advance no step count and survive a save and load.
/// </summary>
public class ProcedureTests
{
    private static Parameter<float>[] NewParameters() =>
    [
        new Parameter<float>(Enumerable.Range(0, 41).Select(i => 0.05f * i - 1f).ToArray(), "w"),
        new Parameter<float>(new float[] { 0.25f, -0.75f, 1.5f }, "b"),
    ];

    private static void SetGradients(Parameter<float>[] parameters, int step)
    {
        foreach (var parameter in parameters)
            parameter.Grad = Enumerable.Range(0, parameter.Length).Select(i => MathF.Sin(step * 1.7f + i)).ToArray();
    }

    private static float[][] Values(Parameter<float>[] parameters) => parameters.Select(p => p.Data.ToArray()).ToArray();

    [Fact]
    public void The_documentation_lists_the_procedures_and_what_they_read()
    {
        Assert.Equal(["Eval", "Train"], SGDScheduleFree.Documentation.Procedures.Select(p => p.Name));
        Assert.Equal(["Eval", "Train"], AdamWScheduleFree.Documentation.Procedures.Select(p => p.Name));
        Assert.All(SGDScheduleFree.Documentation.Procedures, p => Assert.False(p.ReadsGradient));
        var hessian = Assert.Single(SophiaG.Documentation.Procedures);
        Assert.Equal("UpdateHessian", hessian.Name);
        Assert.True(hessian.ReadsGradient);
        Assert.Equal(["h = beta2 * h + (1 - beta2) * g * g"], hessian.Body);
        Assert.Empty(Adam.Documentation.Procedures);
    }

    [Fact]
    public void An_unknown_procedure_is_refused_naming_the_ones_there_are()
    {
        var parameters = NewParameters();
        var error = Assert.Throws<ArgumentException>(() => new SGDScheduleFree(parameters).RunProcedure("Evaluate"));
        Assert.StartsWith("SGDScheduleFree has no procedure 'Evaluate' (it has Eval, Train).", error.Message);
        error = Assert.Throws<ArgumentException>(() => new Adam(NewParameters()).RunProcedure("Eval"));
        Assert.StartsWith("Adam has no procedure 'Eval' (it has none).", error.Message);
    }

    [Fact]
    public void Eval_and_Train_switch_once_and_only_after_a_step()
    {
        var parameters = NewParameters();
        var initial = Values(parameters);
        var optimizer = new SGDScheduleFree(parameters, lr: 0.1, momentum: 0.8);

        // Before any step there is no z: both leave the parameters alone, as the authors' "if 'z' in state".
        optimizer.Train();
        optimizer.Eval();
        optimizer.Train();
        Assert.Equal(initial, Values(parameters));

        for (int step = 1; step <= 4; step++)
        {
            SetGradients(parameters, step);
            optimizer.Step();
        }
        var y = Values(parameters);
        optimizer.Train();
        Assert.Equal(y, Values(parameters)); // in train mode already

        optimizer.Eval();
        var x = Values(parameters);
        Assert.NotEqual(y, x);
        optimizer.Eval();
        Assert.Equal(x, Values(parameters)); // in eval mode already
        Assert.Equal(4, optimizer.StepCount(parameters[0])); // a procedure is not a step

        optimizer.Train();
        var back = Values(parameters);
        for (int t = 0; t < y.Length; t++)
        {
            for (int i = 0; i < y[t].Length; i++) Assert.Equal(y[t][i], back[t][i], 5); // x and back are two roundings apart
        }
    }

    [Fact]
    public void Schedule_free_refuses_to_step_in_evaluation_mode_before_anything_is_written()
    {
        var parameters = NewParameters();
        var initial = Values(parameters);
        var optimizer = new AdamWScheduleFree(parameters);
        SetGradients(parameters, 1);

        // It starts in evaluation mode, as the authors' does.
        var refused = Assert.Throws<InvalidOperationException>(optimizer.Step);
        Assert.Equal("AdamWScheduleFree: not in train mode: call Train() before Step() (the optimizer starts in evaluation mode, and Eval() switches to it) "
            + "(parameter 'w[41]', group 0, index 0). Nothing was updated.", refused.Message);
        Assert.Equal(initial, Values(parameters));
        Assert.Equal(0, optimizer.StepCount(parameters[0]));

        optimizer.Train();
        optimizer.Step();
        optimizer.Eval();
        var x = Values(parameters);
        Assert.Throws<InvalidOperationException>(optimizer.Step);
        Assert.Equal(x, Values(parameters));
        Assert.Equal(1, optimizer.StepCount(parameters[1]));
    }

    [Fact]
    public void UpdateHessian_skips_the_parameters_without_a_gradient_and_is_not_a_step()
    {
        var parameters = NewParameters();
        var sophia = new SophiaG(parameters);
        SetGradients(parameters, 1);
        sophia.Step();
        Assert.Equal(new double[3], sophia.StateValues(parameters[1], "hessian"));

        parameters[0].Grad = Enumerable.Repeat(2f, parameters[0].Length).ToArray();
        parameters[1].Grad = null;
        sophia.UpdateHessian();

        // (1 - 0.99) * 2 * 2, in float: the authors' hessian.mul_(beta2).addcmul_(grad, grad, value=1 - beta2).
        Assert.All(sophia.StateValues(parameters[0], "hessian"), h => Assert.Equal((double)MathF.FusedMultiplyAdd((float)(1 - 0.99) * 2f, 2f, 0f), h));
        Assert.Equal(new double[3], sophia.StateValues(parameters[1], "hessian"));
        Assert.Equal(1, sophia.StepCount(parameters[0]));
    }

    [Theory]
    [InlineData("SGDScheduleFree")]
    [InlineData("AdamWScheduleFree")]
    public void A_run_saved_in_eval_mode_resumes_bit_for_bit(string name)
    {
        var uninterrupted = NewParameters();
        var original = Catalog.Find(name)!.Create(uninterrupted);
        original.GroupHyperparameters(0).Set("lr", 0.01);
        original.GroupHyperparameters(0).Set("warmupSteps", 3);
        original.RunProcedure("Train");
        for (int step = 1; step <= 5; step++)
        {
            SetGradients(uninterrupted, step);
            original.Step();
        }
        // The authors' advice: evaluate and save in eval mode.
        original.RunProcedure("Eval");
        using var saved = new MemoryStream();
        original.SaveState(saved);

        var resumedParameters = NewParameters();
        for (int i = 0; i < resumedParameters.Length; i++) uninterrupted[i].Data.CopyTo(resumedParameters[i].Data);
        var resumed = Catalog.Find(name)!.Create(resumedParameters);
        resumed.GroupHyperparameters(0).Set("lr", 0.01);
        resumed.GroupHyperparameters(0).Set("warmupSteps", 3);
        saved.Position = 0;
        resumed.LoadState(saved);

        original.RunProcedure("Train");
        resumed.RunProcedure("Train");
        for (int step = 6; step <= 9; step++)
        {
            SetGradients(uninterrupted, step);
            SetGradients(resumedParameters, step);
            original.Step();
            resumed.Step();
        }
        original.RunProcedure("Eval");
        resumed.RunProcedure("Eval");
        Assert.Equal(Values(uninterrupted), Values(resumedParameters));
        Assert.Equal(original.StateValues(uninterrupted[0], "weight_sum"), resumed.StateValues(resumedParameters[0], "weight_sum"));
    }
}
