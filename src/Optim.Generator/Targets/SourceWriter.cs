using System.Text;

namespace ScratchOptim.Generator.Targets
{
    /// <summary>Writes C# source line by line with four-space indentation and LF line endings.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder builder = new StringBuilder();
        private int indent;

        /// <summary>Writes <paramref name="text"/> at the current indentation; each line of a multi-line text is indented.</summary>
        public void Line(string text = "")
        {
            foreach (string line in text.Split('\n'))
            {
                if (line.Length > 0) builder.Append(' ', indent * 4).Append(line);
                builder.Append('\n');
            }
        }

        /// <summary>Writes <c>{</c>, indents until the returned scope is disposed, then writes <c>}</c> (plus <paramref name="after"/>).</summary>
        public Scope Block(string after = "")
        {
            Line("{");
            indent++;
            return new Scope(this, after);
        }

        /// <summary>Removes the blank line just written, so the next line continues the block above it.</summary>
        public void RemoveTrailingBlankLine()
        {
            if (builder.Length >= 2 && builder[builder.Length - 1] == '\n' && builder[builder.Length - 2] == '\n') builder.Length--;
        }

        public void Indent() => indent++;

        public void Outdent() => indent--;

        public override string ToString() => builder.ToString();

        internal readonly struct Scope : System.IDisposable
        {
            private readonly SourceWriter writer;
            private readonly string after;

            public Scope(SourceWriter writer, string after)
            {
                this.writer = writer;
                this.after = after;
            }

            public void Dispose()
            {
                writer.indent--;
                writer.Line("}" + after);
            }
        }
    }
}
