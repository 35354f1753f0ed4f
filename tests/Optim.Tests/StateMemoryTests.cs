using System;
using System.IO;
using System.Linq;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// The state lives in native memory, each buffer starting on a 64-byte boundary, and Dispose frees it: afterwards the
/// optimizer refuses every use with ObjectDisposedException, and what users read of the state is always a copy.
/// </summary>
public class StateMemoryTests
{
    [Fact]
    public void Every_state_buffer_starts_on_a_64_byte_boundary()
    {
        foreach (var entry in Catalog.All)
        {
            var parameters = new Parameter[]
            {
                new Parameter<float>(new float[37 * 5], [37, 5]) { Grad = new float[37 * 5] },
                new Parameter<double>(new double[1001], [1001]) { Grad = new double[1001] },
            }.Where(p => p.Shape.Count >= entry.Info.MinRank && p.Shape.Count <= entry.Info.MaxRank).ToArray();
            // Set up as every optimizer is for the tests (MuonWithAuxAdam's vector in an Adam group), everything on.
            var optimizer = OptimizerConfigurations.Create(entry.Info.Name, everythingOn: true, parameters);
            optimizer.Step();
            foreach (var parameter in parameters)
            {
                var state = optimizer.StateOf(parameter);
                for (int i = 0; i < entry.Info.States.Count; i++)
                {
                    if (state.Peek(i) is { Length: > 0 } buffer)
                        Assert.True(buffer.Address % 64 == 0, $"{entry.Info.Name}: state '{entry.Info.States[i].Name}' of {parameter} is at {buffer.Address:x}");
                }
            }
        }
    }

    [Fact]
    public void Dispose_frees_the_state_and_the_optimizer_refuses_further_use()
    {
        var weights = new Parameter<float>(new float[] { 1f, 2f, 3f }, "weights") { Grad = new float[] { 0.5f, -1f, 2f } };
        var adam = new Adam([weights]);
        adam.Step();
        float[] stepped = weights.Data.ToArray();

        adam.Dispose();
        adam.Dispose(); // a second call does nothing

        Assert.Throws<ObjectDisposedException>(adam.Step);
        Assert.Throws<ObjectDisposedException>(() => adam.State<float>(weights, "exp_avg"));
        Assert.Throws<ObjectDisposedException>(() => adam.StateValues(weights, "exp_avg"));
        Assert.Throws<ObjectDisposedException>(() => adam.SaveState(new MemoryStream()));
        Assert.Throws<ObjectDisposedException>(() => adam.LoadState(weights, "exp_avg", new float[3], 1));
        Assert.Throws<ObjectDisposedException>(() => adam.AddParamGroup([new Parameter<float>(new float[2])]));
        // The parameters are the caller's: untouched.
        Assert.Equal(stepped, weights.Data.ToArray());
    }

    [Fact]
    public void State_is_read_as_a_copy_that_later_steps_do_not_change()
    {
        var weights = new Parameter<float>(new float[] { 1f, 2f }) { Grad = new float[] { 1f, 1f } };
        using var adam = new Adam([weights]);
        adam.Step();
        var first = adam.State<float>(weights, "exp_avg");
        float[] before = first.ToArray();
        adam.Step();
        Assert.Equal(before, first.ToArray());
        Assert.NotEqual(before, adam.State<float>(weights, "exp_avg").ToArray());
    }

    [Fact]
    public void Loaded_state_replaces_the_buffer_and_stays_aligned()
    {
        var weights = new Parameter<float>(new float[100]) { Grad = new float[100] };
        using var adam = new Adam([weights]);
        adam.LoadState(weights, "exp_avg", new float[100].AsSpan(), 4);
        var buffer = adam.StateOf(weights).Peek(0)!;
        Assert.Equal(0, buffer.Address % 64);
        Assert.Equal(100, buffer.Length);
        Assert.Equal(4, adam.StepCount(weights));
    }
}
