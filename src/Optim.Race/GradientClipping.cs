using System;

namespace ScratchOptim.Race;

/// <summary>Gradient clipping by global norm, as <c>torch.nn.utils.clip_grad_norm_</c> without its epsilon.</summary>
public static class GradientClipping
{
    /// <summary>Scales <paramref name="gradient"/> in place so its Euclidean norm is at most <paramref name="maxNorm"/>.</summary>
    public static void ClipToNorm(Span<float> gradient, double maxNorm)
    {
        double sumOfSquares = 0;
        foreach (float component in gradient) sumOfSquares += (double)component * component;
        double norm = Math.Sqrt(sumOfSquares);
        if (norm <= maxNorm) return;
        float scale = (float)(maxNorm / norm);
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= scale;
    }
}
