using System;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ScratchOptim.Benchmarks.Speed;

// Pass BenchmarkDotNet's arguments through, e.g. `-- --job short --filter '*Speed*'`. Building the benchmark process
// takes minutes when the machine is shared with other builds: BenchmarkDotNet's 2-minute limit is raised.
// `-- --allocations` runs the allocation probe instead (Speed/AllocationProbe.cs), and `-- --paired` the paired rounds
// against PyTorch (Speed/PairedRuns.cs): no BenchmarkDotNet, one plain process.
if (args is ["--allocations"])
{
    AllocationProbe.Run(Console.Out);
    return;
}
if (args is ["--paired"])
{
    PairedRuns.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(OptimizerStepBenchmarks).Assembly)
    .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(30)));
