using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// An optimizer is used from one thread at a time; a second call of Step, LoadState, SaveState or Dispose while one runs is
/// refused with an InvalidOperationException naming the optimizer, before it writes anything. The first call is held
/// inside Step deterministically: its gradient's memory blocks when the kernel asks for its span.
/// </summary>
public class ThreadSafetyTests
{
    [Fact]
    public async Task Calls_while_Step_runs_on_another_thread_are_refused_and_change_nothing()
    {
        var gradient = new HeldMemory([0.5f, -1f, 2f]);
        var weights = new Parameter<float>(new float[] { 1f, 2f, 3f }, "weights") { Grad = gradient.Memory };
        var adam = new Adam([weights], lr: 0.1);
        using var saved = new MemoryStream();
        new Adam([new Parameter<float>(new float[3], "weights")]).SaveState(saved);

        gradient.HoldNextAccess();
        var stepping = Task.Run(adam.Step);
        Assert.True(gradient.Held.Wait(Timeout), "Step did not reach the gradient");

        Action[] concurrentCalls =
        [
            adam.Step,
            () => adam.SaveState(new MemoryStream()),
            () => adam.LoadState(new MemoryStream(saved.ToArray())),
            () => adam.LoadState(weights, "exp_avg", new float[3], 7),
            adam.Dispose,
        ];
        foreach (var call in concurrentCalls)
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(call).WaitAsync(Timeout));
            Assert.StartsWith("Adam: ", refused.Message);
            Assert.Contains("not thread-safe", refused.Message);
        }

        gradient.Release();
        await stepping.WaitAsync(Timeout);

        // Exactly one step happened: the same as one step of a fresh optimizer on the same gradient.
        var alone = new Parameter<float>(new float[] { 1f, 2f, 3f }, "weights") { Grad = new float[] { 0.5f, -1f, 2f } };
        var reference = new Adam([alone], lr: 0.1);
        reference.Step();
        Assert.Equal(1, adam.StepCount(weights));
        Assert.Equal(alone.Data.ToArray(), weights.Data.ToArray());
        Assert.Equal(reference.StateValues(alone, "exp_avg"), adam.StateValues(weights, "exp_avg"));
    }

    [Fact]
    public async Task A_procedure_while_Step_runs_is_refused_and_changes_nothing()
    {
        var gradient = new HeldMemory([0.5f, -1f, 2f]);
        var weights = new Parameter<float>(new float[] { 1f, 2f, 3f }, "weights") { Grad = gradient.Memory };
        var schedulefree = new SGDScheduleFree([weights], lr: 0.1);
        schedulefree.Train();

        gradient.HoldNextAccess();
        var stepping = Task.Run(schedulefree.Step);
        Assert.True(gradient.Held.Wait(Timeout), "Step did not reach the gradient");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(schedulefree.Eval).WaitAsync(Timeout));
        Assert.StartsWith("SGDScheduleFree: Eval was called while Step, LoadState, SaveState or a procedure is running", refused.Message);
        gradient.Release();
        await stepping.WaitAsync(Timeout);

        // The refused Eval changed nothing: the same as Train and one step of a fresh optimizer, still in train mode.
        var alone = new Parameter<float>(new float[] { 1f, 2f, 3f }, "weights") { Grad = new float[] { 0.5f, -1f, 2f } };
        var reference = new SGDScheduleFree([alone], lr: 0.1);
        reference.Train();
        reference.Step();
        Assert.Equal(alone.Data.ToArray(), weights.Data.ToArray());
        Assert.Equal([1.0], schedulefree.StateValues(weights, "train_mode"));
    }

    [Fact]
    public void After_a_call_ends_or_throws_the_optimizer_can_be_used_again()
    {
        var weights = new Parameter<float>(new float[] { 1f, 2f }, "weights") { Grad = new float[] { 1f, 1f } };
        var adam = new Adam([weights], lr: 0.5);

        // A step count at its limit makes Step throw before it writes anything.
        adam.LoadState(weights, "exp_avg", new float[2], int.MaxValue);
        Assert.Throws<InvalidOperationException>(adam.Step);
        adam.LoadState(weights, "exp_avg", new float[2], 0);
        adam.Step();
        using var state = new MemoryStream();
        adam.SaveState(state);
        adam.LoadState(new MemoryStream(state.ToArray()));
        adam.Step();

        Assert.Equal(2, adam.StepCount(weights));
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Float memory whose next span access, once armed, waits until released: holds a Step inside its kernel.</summary>
    private sealed class HeldMemory(float[] values) : MemoryManager<float>
    {
        private readonly ManualResetEventSlim released = new();
        private volatile bool armed;

        public ManualResetEventSlim Held { get; } = new();

        public void HoldNextAccess() => armed = true;

        public void Release() => released.Set();

        public override Span<float> GetSpan()
        {
            if (armed)
            {
                armed = false;
                Held.Set();
                released.Wait();
            }
            return values;
        }

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
