using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace ScratchOptim;

/// <summary>
/// Replaces a file so that it is always either the old file or the complete new one, even when the writer fails
/// (an exception, a full disk) or the process is killed: the new content goes to a temporary file beside the
/// target, is flushed to the disk (fsync), then renamed over the target, and the directory is flushed so the
/// rename itself survives a power loss.
/// </summary>
/// <remarks>
/// A process killed while writing leaves its temporary file (<c>.NAME.RANDOM.tmp</c> beside the target) behind;
/// the target itself is never touched until the rename.
/// </remarks>
public static class AtomicFile
{
    private static readonly AsyncLocal<Action<string>?> beforeRename = new();

    /// <summary>
    /// For tests: runs after the temporary file is written and flushed, before the rename. It is set for the calling
    /// flow only (an <see cref="AsyncLocal{T}"/>), so tests saving files at the same time do not run each other's hook.
    /// </summary>
    internal static Action<string>? BeforeRename
    {
        get => beforeRename.Value;
        set => beforeRename.Value = value;
    }

    /// <summary>Writes <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <remarks>Any exception from <paramref name="write"/>, the flush or the rename propagates after the temporary file is deleted; the target is unchanged.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Cannot save '{target}': the directory '{directory}' does not exist.");
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            BeforeRename?.Invoke(temporary);
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        FlushDirectory(directory);
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more; the temporary file is only a leftover.
        }
    }

    /// <summary>fsync of the directory, so the rename is on the disk too (POSIX; Windows has no directory flush).</summary>
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int descriptor = Posix.Open(directory, Posix.ReadOnly);
        if (descriptor < 0) return; // best effort: the file itself is already on the disk
        try
        {
            Posix.FSync(descriptor);
        }
        finally
        {
            Posix.Close(descriptor);
        }
    }

    private static class Posix
    {
        /// <summary>O_RDONLY, which opens a directory too.</summary>
        public const int ReadOnly = 0;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int FSync(int descriptor);

        [DllImport("libc", EntryPoint = "close")]
        public static extern int Close(int descriptor);
    }
}
