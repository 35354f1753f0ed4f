using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>
    /// Reads the <c>&lt;summary&gt;</c> of a declaration's <c>///</c> comment from its syntax, so it works whether or not
    /// the project generates a documentation file.
    /// </summary>
    internal static class DocComments
    {
        private static readonly Regex Summary = new Regex(@"<summary>(.*?)</summary>", RegexOptions.Singleline);
        private static readonly Regex Reference = new Regex(@"<(?:see|paramref|typeparamref)\s+(?:cref|name|langword)=""(?:[A-Z]:)?([^""]*)""\s*/>");
        private static readonly Regex Tag = new Regex(@"</?[a-zA-Z][^>]*>");
        private static readonly Regex Space = new Regex(@"\s+");

        public static string SummaryOf(SyntaxNode declaration)
        {
            var text = new StringBuilder();
            foreach (var trivia in declaration.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia))
                {
                    text.Append(trivia.ToFullString());
                }
                else if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
                {
                    string line = trivia.ToString();
                    if (line.StartsWith("///", System.StringComparison.Ordinal)) text.Append(line.Substring(3)).Append('\n');
                }
            }
            string lines = string.Join("\n", text.ToString().Split('\n').Select(l => l.Trim().TrimStart('/')));
            var match = Summary.Match(lines);
            if (!match.Success) return "";
            string summary = Reference.Replace(match.Groups[1].Value, m => m.Groups[1].Value);
            summary = Tag.Replace(summary, "");
            summary = summary.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
            return Space.Replace(summary, " ").Trim();
        }
    }
}
