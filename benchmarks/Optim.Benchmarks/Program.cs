using BenchmarkDotNet.Running;
using ScratchOptim.Benchmarks;

// Pass BenchmarkDotNet's arguments through, e.g. `-- --job short --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(AdamStepBenchmarks).Assembly).Run(args);
