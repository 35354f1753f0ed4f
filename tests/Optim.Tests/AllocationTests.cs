using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>State is allocated once: after the first step, stepping and running the procedures allocate nothing.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class AllocationTests
{
    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Step_allocates_nothing_after_the_first_step(string optimizerName, bool everythingOn, string choice)
    {
        var parameters = OptimizerConfigurations.ShapesFor(optimizerName, [1000], [37]).Select((shape, i) =>
        {
            int length = shape.Aggregate(1, (a, b) => a * b);
            var parameter = new Parameter<float>(new float[length], shape, "p" + i) { Grad = new float[length] };
            parameter.Grad.Value.Span.Fill(i % 2 == 0 ? 0.5f : -0.25f);
            return parameter;
        }).ToArray();
        var optimizer = OptimizerConfigurations.Create(optimizerName, everythingOn, parameters, choice);
        optimizer.Step();
        optimizer.Step();
        var procedures = optimizer.Info.Procedures;
        foreach (var procedure in procedures) optimizer.RunProcedure(procedure.Name);

        Assert.Equal(0, AllocationCount.Of(() =>
        {
            for (int i = 0; i < 10; i++) optimizer.Step();
        }));
        Assert.Equal(0, AllocationCount.Of(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                for (int p = 0; p < procedures.Count; p++) optimizer.RunProcedure(procedures[p].Name);
            }
        }));
    }

    [Theory]
    [InlineData("Prodigy")]
    [InlineData("Adan")]
    public void A_step_across_groups_allocates_nothing_after_the_first(string optimizerName)
    {
        // Group state shared across groups is copied into every group after each step: into the arrays it already has.
        var parameters = new[] { 1000, 37, 5 }.Select((length, i) =>
        {
            var parameter = new Parameter<float>(new float[length], [length], "p" + i) { Grad = new float[length] };
            parameter.Grad.Value.Span.Fill(i % 2 == 0 ? 0.5f : -0.25f);
            return parameter;
        }).ToArray();
        Optimizer optimizer = optimizerName == "Prodigy" ? new Optimizers.Prodigy(parameters[..1]) : new Optimizers.Adan(parameters[..1], maxGradNorm: 0.1);
        optimizer.AddGroup(parameters[1..2]);
        optimizer.AddGroup(parameters[2..]);
        optimizer.Step();
        optimizer.Step();

        Assert.Equal(0, AllocationCount.Of(() =>
        {
            for (int i = 0; i < 10; i++) optimizer.Step();
        }));
    }
}
