using System.Linq;
using BenchmarkDotNet.Running;
using ScratchOptim.TorchSharp.Benchmarks;

// Pass BenchmarkDotNet's arguments through, e.g. `-- --job short --filter '*'`. The benchmarks run inside this
// process: LibTorchSharp loads from this project's output, where tools/torchsharp made it loadable on Debian 12's
// libstdc++, and BenchmarkDotNet's own generated projects would copy it from the NuGet cache unchanged.
string[] arguments = args.Contains("--inProcess") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(OptimizerStepBenchmarks).Assembly).Run(arguments);
