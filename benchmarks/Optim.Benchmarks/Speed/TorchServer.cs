using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics.X86;

namespace ScratchOptim.Benchmarks.Speed;

/// <summary>
/// PyTorch 2.x stepping an optimizer in a process of its own (tools/benchmarks/torch_step_server.py, run through the
/// torch2 chroot of ../shared/reference/torch2/README.md under its lock): a benchmark asks it for
/// <see cref="StepsPerCall"/> steps and waits for its answer, so BenchmarkDotNet times PyTorch with the same clock,
/// in the same run, as the C# rows beside it. The round trip through the pipes (tens of microseconds) is shared by
/// those steps.
/// </summary>
internal sealed class TorchServer : IDisposable
{
    /// <summary>Steps per round trip: the benchmarks' OperationsPerInvoke.</summary>
    public const int StepsPerCall = 16;

    /// <summary>
    /// glibc malloc set so that PyTorch's per-step temporaries come back from the heap instead of fresh mmap'd pages:
    /// no chunk is mmap'd and the heap is never trimmed. (The mmap threshold alone cannot do it: glibc caps it at
    /// 32 MiB, below one temporary of 10M floats.)
    /// </summary>
    private static readonly (string Name, string Value)[] TunedMalloc =
    [
        ("MALLOC_MMAP_MAX_", "0"),
        ("MALLOC_TRIM_THRESHOLD_", "68719476736"),
        ("MALLOC_TOP_PAD_", "1073741824"),
    ];

    private readonly Process process;

    private TorchServer(Process process, string capability)
    {
        this.process = process;
        Capability = capability;
    }

    /// <summary>The ATen CPU capability the kernels run with (AVX512 on this machine: PyTorch's own choice for it).</summary>
    public string Capability { get; }

    /// <summary>Starts PyTorch with <paramref name="optimizer"/> (adam, adamw, sgd, adagrad, lion) in form <paramref name="impl"/> (forloop, foreach, fused).</summary>
    public static TorchServer Start(string optimizer, string impl, IReadOnlyList<int> sizes, int threads, bool tunedMalloc)
    {
        string root = RepositoryRoot();
        string chroot = Path.GetFullPath(Path.Combine(root, "..", "shared", "tools", "torch2-chroot"));
        if (!File.Exists(chroot))
            throw new InvalidOperationException($"PyTorch 2.x runs through {chroot} (../shared/reference/torch2/README.md), which is not there.");
        string sizesArgument = string.Join(",", sizes);
        if (sizes.Count > 16)
        {
            // A long list goes through a file in the repository, which the chroot sees as /host.
            string file = Path.Combine("artifacts", "benchmarks", "sizes-" + sizes.Count + "-" + sizes.Sum(s => (long)s) + ".txt");
            Directory.CreateDirectory(Path.Combine(root, "artifacts", "benchmarks"));
            File.WriteAllLines(Path.Combine(root, file), sizes.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            sizesArgument = "@" + file;
        }

        var start = new ProcessStartInfo("flock")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "/tmp/torch2.lock", chroot, "run", "/opt/torch2", "tools/benchmarks/torch_step_server.py",
            "--optimizer", optimizer, "--impl", impl, "--sizes", sizesArgument, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        // PyTorch picks the widest kernels the CPU has; the chroot's script pins AVX2 for reproducible goldens unless told.
        start.Environment["ATEN_CPU_CAPABILITY"] = Avx512F.IsSupported ? "avx512" : Avx2.IsSupported ? "avx2" : "default";
        if (tunedMalloc)
            foreach (var (name, value) in TunedMalloc) start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start flock.");
        string? ready = process.StandardOutput.ReadLine();
        if (ready is null || !ready.StartsWith("ready ", StringComparison.Ordinal))
            throw new InvalidOperationException($"PyTorch did not start ({optimizer}, {impl}): it said '{ready}'.");
        Console.WriteLine($"// PyTorch {optimizer} {impl}, {threads} thread(s), malloc {(tunedMalloc ? "tuned" : "as is")}: {ready}");
        return new TorchServer(process, ready.Split(' ')[1]);
    }

    /// <summary>Runs <paramref name="count"/> optimizer steps in PyTorch and waits for them.</summary>
    public void Steps(int count = StepsPerCall)
    {
        process.StandardInput.WriteLine("step " + count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process.StandardInput.Flush();
        if (process.StandardOutput.ReadLine() is not { } done || !done.StartsWith("done ", StringComparison.Ordinal))
            throw new InvalidOperationException("PyTorch stopped answering.");
    }

    public void Dispose()
    {
        process.StandardInput.WriteLine("quit");
        process.StandardInput.Flush();
        if (!process.WaitForExit(60_000)) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "ScratchOptim.sln"))) return directory.FullName;
        throw new InvalidOperationException("Run the benchmarks from inside the repository: ScratchOptim.sln was not found above " + AppContext.BaseDirectory);
    }
}
