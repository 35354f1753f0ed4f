using System.Globalization;
using System.Text;

namespace ScratchOptim.Cli.Commands;

/// <summary>Text from files and arguments made safe to print: it cannot move the cursor, recolour the terminal or break a line.</summary>
public static class ConsoleText
{
    /// <summary><paramref name="text"/> with every control character (NUL, ESC, line breaks, ...) written as <c>\uXXXX</c>.</summary>
    public static string Printable(string text)
    {
        var printable = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsControl(c)) printable.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else printable.Append(c);
        }
        return printable.ToString();
    }
}
