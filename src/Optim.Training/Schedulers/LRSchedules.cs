using System;

namespace ScratchOptim.Training;

/// <summary>Named schedules built from PyTorch's schedulers, so their values (and saved state) are PyTorch's.</summary>
public static class LRSchedules
{
    /// <summary>
    /// Linear warmup then cosine decay, the learning-rate recipe of most LLM training:
    /// <c>SequentialLR([LinearLR(start_factor, 1.0, warmup), CosineAnnealingLR(total - warmup, min_lr)], [warmup])</c>.
    /// The learning rate rises linearly from <c>warmupStartFactor × lr</c> to each group's <c>lr</c> over
    /// <paramref name="warmupSteps"/> steps, then follows a half cosine down to <paramref name="minLr"/> at step
    /// <paramref name="totalSteps"/>.
    /// </summary>
    /// <param name="optimizer">The optimizer; each group's current learning rate is the peak.</param>
    /// <param name="warmupSteps">Steps of the linear warmup, at least 1.</param>
    /// <param name="totalSteps">Steps of the whole schedule, more than <paramref name="warmupSteps"/>.</param>
    /// <param name="minLr">The learning rate at the end of the decay: finite and not negative.</param>
    /// <param name="warmupStartFactor">The fraction of the peak the warmup starts at, in (0, 1].</param>
    public static SequentialLR LinearWarmupCosine(Optimizer optimizer, int warmupSteps, int totalSteps, double minLr = 0.0, double warmupStartFactor = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(totalSteps, warmupSteps);
        // CosineAnnealingLR refuses such an eta_min too, but only after the warmup made below has written its first
        // rate: the recipe checks it before either scheduler writes anything.
        ScheduleArguments.FiniteNonNegative(minLr, nameof(minLr), "The learning rate at the end of the decay");
        var warmup = new LinearLR(optimizer, startFactor: warmupStartFactor, endFactor: 1.0, totalIters: warmupSteps);
        var decay = new CosineAnnealingLR(optimizer, tMax: totalSteps - warmupSteps, etaMin: minLr);
        return new SequentialLR(optimizer, [warmup, decay], [warmupSteps]);
    }
}
