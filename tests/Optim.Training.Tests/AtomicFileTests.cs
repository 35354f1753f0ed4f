using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>A save never destroys the previous file: failures at every byte and before the rename (a killed process: <see cref="CheckpointCrashTests"/>).</summary>
public class AtomicFileTests
{
    private static SafeTensorsWriter Checkpoint(float value, int version)
    {
        var writer = new SafeTensorsWriter()
            .Add<float>("model.w", Enumerable.Repeat(value, 12).ToArray(), [3, 4])
            .Add<long>("step", new long[] { version });
        writer.Metadata["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return writer;
    }

    [Fact]
    public void A_write_failing_at_any_byte_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        Checkpoint(1f, 1).Save(path);
        byte[] previous = File.ReadAllBytes(path);
        var next = Checkpoint(2f, 2);
        long length = next.Length;
        Assert.Equal(length, previous.Length);

        for (long failAt = 0; failAt < length; failAt++)
        {
            var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => next.WriteTo(new FailingStream(stream, failAt))));
            Assert.Contains("No space left", error.Message);
            Assert.Equal(previous, File.ReadAllBytes(path));
            Assert.Equal(["checkpoint.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
        }

        AtomicFile.Write(path, stream => next.WriteTo(new FailingStream(stream, length)));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("2", file.Metadata["version"]);
    }

    [Fact]
    public void A_failure_after_the_flush_and_before_the_rename_leaves_the_previous_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        Checkpoint(1f, 1).Save(path);
        byte[] previous = File.ReadAllBytes(path);
        string? temporary = null;
        AtomicFile.BeforeRename = file =>
        {
            temporary = file;
            throw new IOException("rename failed");
        };
        try
        {
            Assert.Throws<IOException>(() => Checkpoint(2f, 2).Save(path));
        }
        finally
        {
            AtomicFile.BeforeRename = null;
        }
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(directory.Path, Path.GetDirectoryName(temporary));
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void An_exception_in_the_writer_changes_nothing_and_a_missing_directory_is_named()
    {
        using var directory = new TempDirectory();
        string path = directory.File("state.bin");
        File.WriteAllText(path, "previous");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("NaN in the state");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        string missing = Path.Combine(directory.Path, "no", "such", "dir", "x.bin");
        Assert.Contains(Path.Combine(directory.Path, "no", "such", "dir"), Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(missing, _ => { })).Message);
    }
}
