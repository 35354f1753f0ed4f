using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Lion's two implementations agree on every reference case (only the sign of the interpolation is used); this is a
/// step where they do not: the authors' three roundings make c exactly 0 (no step), the lucidrains port's fused
/// multiply-add leaves it slightly negative (a step of +lr).
/// </summary>
public class LionImplementationTests
{
    // Found by a search over float32 gradients; the expected values were recorded by running both authors' files
    // (google/automl lion_pytorch.py @ 6a54c87, lucidrains/lion-pytorch @ 6a74fdc) under PyTorch 1.13 on a parameter of
    // one element, p0 = 0.5, lr = 0.001, betas = (0.9, 0.99): step 1 with g = 0x1.ed1e66p+3, step 2 with g = -0x1.630ba4p+0.
    private const float FirstGradient = 15.409960746765137f;
    private const float SecondGradient = -1.3868963718414307f;

    [Theory]
    [InlineData(LionImplementation.Authors, 0.49900001287460327f)]
    [InlineData(LionImplementation.Lucidrains, 0.5f)]
    public void The_implementations_round_the_interpolation_as_their_codes_do(LionImplementation implementation, float afterSecondStep)
    {
        var parameter = new Parameter<float>([0.5f]);
        var lion = new Lion([parameter], lr: 0.001, implementation: implementation);

        parameter.Grad = new[] { FirstGradient };
        lion.Step();
        Assert.Equal(0.49900001287460327f, parameter.Data.Span[0]);
        Assert.Equal(0.15409959852695465f, lion.State<float>(parameter, "exp_avg")[0]);

        parameter.Grad = new[] { SecondGradient };
        lion.Step();
        Assert.Equal(afterSecondStep, parameter.Data.Span[0]);
        Assert.Equal(0.13868965208530426f, lion.State<float>(parameter, "exp_avg")[0]);
    }
}
