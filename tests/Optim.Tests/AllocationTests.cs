using System;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>State is allocated once: after the first step, stepping and running the procedures allocate nothing.</summary>
public class AllocationTests
{
    [Theory]
    [MemberData(nameof(OptimizerConfigurations.All), MemberType = typeof(OptimizerConfigurations))]
    public void Step_allocates_nothing_after_the_first_step(string optimizerName, bool everythingOn, string choice)
    {
        var weights = new Parameter<float>(new float[1000], "weights");
        var bias = new Parameter<float>(new float[37], "bias");
        weights.Grad = new float[1000];
        bias.Grad = new float[37];
        weights.Grad.Value.Span.Fill(0.5f);
        bias.Grad.Value.Span.Fill(-0.25f);
        var optimizer = OptimizerConfigurations.Create(optimizerName, everythingOn, [weights, bias], choice);
        optimizer.Step();
        optimizer.Step();
        var procedures = optimizer.Info.Procedures;
        foreach (var procedure in procedures) optimizer.RunProcedure(procedure.Name);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) optimizer.Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            for (int p = 0; p < procedures.Count; p++) optimizer.RunProcedure(procedures[p].Name);
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
