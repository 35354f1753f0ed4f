using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using ScratchOptim.Optimizers;
using ScratchOptim.Training;

namespace ScratchOptim.Benchmarks;

/// <summary>
/// Saving and loading a checkpoint of an Adam run over N float parameters (20 tensors; parameters, exp_avg and
/// exp_avg_sq: 12 bytes per parameter), against what the disk itself costs: writing the same number of bytes to a
/// file with one fsync, and reading them back. Save goes through <see cref="AtomicFile"/> (temporary file, fsync,
/// rename, directory fsync); load checks every entry, reads every tensor into new arrays, then restores them. All in
/// one class so one run compares them.
/// </summary>
[MemoryDiagnoser]
public class CheckpointBenchmarks
{
    private string directory = "";
    private string path = "";
    private string rawPath = "";
    private Checkpoint checkpoint = null!;
    private byte[] raw = [];
    private byte[] readBuffer = [];

    [Params(10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "scratchoptim-checkpoint-benchmark-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        path = Path.Combine(directory, "run.safetensors");
        rawPath = Path.Combine(directory, "raw.bin");

        var random = new Random(42);
        var parameters = new Parameter<float>[20];
        int start = 0;
        for (int t = 0; t < parameters.Length; t++)
        {
            int length = t == parameters.Length - 1 ? N - start : N / parameters.Length;
            var data = new float[length];
            for (int i = 0; i < length; i++) data[i] = random.NextSingle() - 0.5f;
            parameters[t] = new Parameter<float>(data, $"layer{t}.weight")
            {
                Grad = Enumerable.Range(0, length).Select(_ => random.NextSingle() - 0.5f).ToArray(),
            };
            start += length;
        }
        var adam = new Adam(parameters, lr: 1e-3);
        adam.Step();
        checkpoint = new Checkpoint(adam, new CosineAnnealingLR(adam, tMax: 1000));
        checkpoint.Save(path);

        long rawBytes = 12L * N;
        long size = new FileInfo(path).Length;
        Console.WriteLine($"// checkpoint of {N} parameters: {size} bytes, {(double)size / rawBytes:F6} × the raw {rawBytes} bytes");
        raw = new byte[rawBytes];
        random.NextBytes(raw);
        readBuffer = new byte[rawBytes];
        WriteRaw();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(directory, recursive: true);

    /// <summary><see cref="Checkpoint.Save(string)"/>: atomic, fsynced.</summary>
    [Benchmark]
    public void Save() => checkpoint.Save(path);

    /// <summary><see cref="Checkpoint.Load(string)"/>: everything checked, read, then restored.</summary>
    [Benchmark]
    public void Load() => checkpoint.Load(path);

    /// <summary>The floor for a save: the same bytes written to a file and fsynced once.</summary>
    [Benchmark(Baseline = true)]
    public void WriteRaw()
    {
        using var file = new FileStream(rawPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        file.Write(raw);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// The floor for a load that changes nothing until all of it is read: the same bytes read into a new array
    /// (in the page cache, as the checkpoint is).
    /// </summary>
    [Benchmark]
    public int ReadRawIntoNewArray()
    {
        var fresh = GC.AllocateUninitializedArray<byte>(raw.Length);
        using var file = new FileStream(rawPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        int total = 0;
        int read;
        while ((read = file.Read(fresh, total, fresh.Length - total)) > 0) total += read;
        return total;
    }

    /// <summary>The same bytes read into a buffer kept from call to call.</summary>
    [Benchmark]
    public int ReadRaw()
    {
        using var file = new FileStream(rawPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        int total = 0;
        int read;
        while ((read = file.Read(readBuffer, total, readBuffer.Length - total)) > 0) total += read;
        return total;
    }
}
