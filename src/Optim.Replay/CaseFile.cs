using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchOptim.Replay;

/// <summary>Reads a case file, of any kind, as JSON: at most <see cref="MaxBytes"/>, so an endless or huge file is refused.</summary>
public static class CaseFile
{
    /// <summary>
    /// The largest case file read: 64 MiB, hundreds of times the reference cases (about 100 KB each), so an endless
    /// or huge file (<c>/dev/zero</c>, a wrong path) is refused instead of filling memory.
    /// </summary>
    public const int MaxBytes = 64 << 20;

    /// <summary>The JSON in the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is larger than <see cref="MaxBytes"/> or not JSON.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="System.UnauthorizedAccessException">The file cannot be read.</exception>
    public static JsonNode? Read(string path)
    {
        using var content = ReadBounded(path);
        try
        {
            return JsonNode.Parse(content);
        }
        catch (JsonException exception)
        {
            throw Corrupt(path, "not JSON: " + exception.Message);
        }
    }

    /// <summary>The file's bytes, read in chunks and never more than <see cref="MaxBytes"/>: its length is not trusted (a device or a pipe has none).</summary>
    private static MemoryStream ReadBounded(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var content = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = file.Read(chunk)) > 0;)
        {
            if (content.Length + read > MaxBytes) throw Corrupt(path, $"larger than {MaxBytes >> 20} MiB, the most a case file may hold");
            content.Write(chunk, 0, read);
        }
        content.Position = 0;
        return content;
    }

    private static InvalidDataException Corrupt(string path, string what) => new($"{path}: {what}.");
}
