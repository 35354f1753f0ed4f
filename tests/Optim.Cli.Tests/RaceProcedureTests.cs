using System.Linq;
using ScratchOptim.Optimizers;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using Xunit;

namespace ScratchOptim.Cli.Tests;

/// <summary>
/// Racers with procedures run as their authors' training loops: Schedule-Free trains at y and is recorded at the
/// average x; SophiaG gets a curvature estimate every <see cref="RaceEngine.HessianInterval"/> steps.
/// </summary>
public class RaceProcedureTests
{
    [Fact]
    public void Schedule_free_is_trained_at_y_and_recorded_at_the_average_x()
    {
        var run = RaceEngine.Run(new Ravine(), [new RaceEntry(RacerCatalog.Find("AdamWScheduleFree")!, 0.05)], new RaceSettings(12, [1, 1])).Runs.Single();

        // The same loop by hand: gradients at y, Eval() to read x, Train() to go on.
        var position = new float[] { 1, 1 };
        var gradient = new float[2];
        var optimizer = new AdamWScheduleFree([new Parameter<float>(position) { Grad = gradient }], lr: 0.05);
        optimizer.Train();
        for (int step = 1; step <= 12; step++)
        {
            new Ravine().Gradient(position, gradient);
            optimizer.Step();
            optimizer.Eval();
            Assert.Equal([position[0], position[1]], run.Path[step].Select(c => (float)c));
            optimizer.Train();
        }
        Assert.NotEqual(run.Path[12], position.Select(c => (double)c).ToArray()); // y, where it trains, is elsewhere
    }

    [Fact]
    public void SophiaG_gets_a_curvature_estimate_every_ten_steps()
    {
        var run = RaceEngine.Run(new Bowl(), [new RaceEntry(RacerCatalog.Find("SophiaG")!, 1e-3)], new RaceSettings(200, [0.01, 0.02])).Runs.Single();

        // Without estimates the Hessian stays 0 and SophiaG takes clipped sign steps.
        var position = new float[] { 0.01f, 0.02f };
        var gradient = new float[2];
        var signSteps = new SophiaG([new Parameter<float>(position) { Grad = gradient }], lr: 1e-3);
        var path = new double[201][];
        path[0] = [0.01f, 0.02f];
        for (int step = 1; step <= 200; step++)
        {
            new Bowl().Gradient(position, gradient);
            signSteps.Step();
            path[step] = [position[0], position[1]];
        }

        // The first estimate comes after step 10; it takes a while to count, as h averages the estimates (beta2 = 0.99).
        Assert.Equal(path[RaceEngine.HessianInterval], run.Path[RaceEngine.HessianInterval]);
        Assert.NotEqual(path[200], run.Path[200]);
    }
}
