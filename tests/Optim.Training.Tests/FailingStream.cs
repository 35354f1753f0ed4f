using System;
using System.IO;

namespace ScratchOptim.Training.Tests;

/// <summary>A stream that fails like a full disk once <paramref name="failAt"/> bytes are written (those first bytes do reach the file).</summary>
internal sealed class FailingStream(Stream inner, long failAt) : Stream
{
    private long written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => written; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int allowed = (int)Math.Min(buffer.Length, failAt - written);
        inner.Write(buffer[..allowed]);
        written += allowed;
        if (allowed < buffer.Length) throw new IOException($"No space left on device (at byte {written}).");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
