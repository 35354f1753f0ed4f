namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// One step of Lion, as <see cref="OptimizerStepBenchmarks"/> steps the others. PyTorch has no Lion, fused or not, so
/// its rows are Lion written in torch operations (tools/benchmarks/torch_step_server.py), over the tensor list and
/// one tensor operation after another.
/// </summary>
public class LionStepBenchmarks : StepAgainstTorch
{
    protected override string OptimizerName => "Lion";
}
