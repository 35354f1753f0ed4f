using System;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>Parameter averaging beyond the goldens: what the first update does, copying back, errors, no allocations.</summary>
[Trait("Category", "Kernels")]
public class AveragingTests
{
    [Fact]
    public void The_first_update_copies_the_model_and_later_ones_average()
    {
        var weights = new float[] { 1, 2, 3 };
        var swa = AveragedModel<float>.EqualWeight([weights]);
        swa.Update();
        Assert.Equal([1f, 2f, 3f], swa.Averaged[0]);
        weights[0] = 4;
        weights[1] = 5;
        weights[2] = 6;
        swa.Update();
        Assert.Equal([2.5f, 3.5f, 4.5f], swa.Averaged[0]);
        Assert.Equal(2, swa.Count);

        var target = new float[3];
        swa.CopyTo([target]);
        Assert.Equal([2.5f, 3.5f, 4.5f], target);
    }

    [Fact]
    public void An_ema_moves_towards_the_model_by_one_minus_decay()
    {
        var weights = new double[] { 0 };
        var ema = AveragedModel<double>.ExponentialMovingAverage([weights], decay: 0.75);
        ema.Update();
        weights[0] = 1;
        ema.Update();
        Assert.Equal(0.25, ema.Averaged[0][0]);
    }

    [Fact]
    public void Bad_input_is_refused_before_anything_changes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AveragedModel<float>.ExponentialMovingAverage([new float[1]], 1.5));
        Assert.Throws<ArgumentException>(() => AveragedModel<float>.EqualWeight([]));
        Assert.Throws<NotSupportedException>(() => AveragedModel<Half>.EqualWeight([new Half[1]]));
        var ema = AveragedModel<float>.ExponentialMovingAverage([new float[2]]);
        Assert.Throws<ArgumentException>(() => ema.CopyTo([new float[3]]));
    }

    [Fact]
    public void Updates_allocate_nothing()
    {
        var weights = new float[1000];
        var ema = AveragedModel<float>.ExponentialMovingAverage([weights]);
        var swa = AveragedModel<float>.EqualWeight([weights]);
        ema.Update();
        swa.Update();
        ema.Update();
        swa.Update();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            ema.Update();
            swa.Update();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
