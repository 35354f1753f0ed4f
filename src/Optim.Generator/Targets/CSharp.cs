using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace ScratchOptim.Generator.Targets
{
    /// <summary>How names and text are written as C# source.</summary>
    internal static class CSharp
    {
        /// <summary>
        /// An identifier as C# source: escaped when it is a keyword, or <c>field</c> (a keyword inside the generated
        /// property accessors since C# 14).
        /// </summary>
        public static string Id(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || name == "field" ? "@" + name : name;

        /// <summary>A dotted name (namespace, full type name) as C# source, each part escaped when it is a keyword.</summary>
        public static string QualifiedId(string name) => string.Join(".", name.Split('.').Select(Id));

        /// <summary>Text for an XML doc comment: markup escaped, and line breaks (which would end the <c>///</c> comment) made spaces.</summary>
        public static string Xml(string text) =>
            System.Text.RegularExpressions.Regex.Replace(text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"), "[\r\n\u0085\u2028\u2029]", " ");

        /// <summary>A string literal (or <c>null</c>).</summary>
        public static string String(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);

        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary>A double as a C# literal that round-trips (<c>0.9</c>, <c>1E-08</c>, <c>2.0</c>).</summary>
        public static string DoubleLiteral(double value)
        {
            if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
            if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
            if (double.IsNaN(value)) return "double.NaN";
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.IndexOfAny(new[] { '.', 'E' }) < 0 ? text + ".0" : text;
        }

        /// <summary>A double rounded to float, as a C# float literal (<c>0.5f</c>).</summary>
        public static string FloatLiteral(double value)
        {
            float single = (float)value;
            if (float.IsNaN(single)) return "float.NaN";
            if (float.IsPositiveInfinity(single)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(single)) return "float.NegativeInfinity";
            return single.ToString("R", CultureInfo.InvariantCulture) + "f";
        }

        /// <summary>"a" or "an" before a name.</summary>
        public static string Article(string name) => "AEIOU".IndexOf(char.ToUpperInvariant(name[0])) >= 0 ? "an" : "a";
    }
}
