using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace ResTuning.Generators.Emit;

/// <summary>
/// The only way user-derived text reaches generated code: identifiers (keywords escaped with <c>@</c>), literals
/// (strings escaped, NaN and infinities as <c>double.*</c> members), text inside interpolated strings, XML doc text,
/// and comments kept on one line. Every emitter goes through these formatters.
/// </summary>
internal static class CSharpText
{
    /// <summary>A C# identifier for <paramref name="name"/> (a symbol's name, without <c>@</c>): reserved keywords get <c>@</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A dotted name (a namespace), each part an <see cref="Identifier"/>.</summary>
    public static string QualifiedName(string dotted)
    {
        var parts = dotted.Split('.');
        for (var i = 0; i < parts.Length; i++) parts[i] = Identifier(parts[i]);
        return string.Join(".", parts);
    }

    /// <summary>A string literal with every character escaped as C# needs.</summary>
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>
    /// <paramref name="value"/> as text inside an interpolated string <c>$"..."</c>: the escapes of a string literal, and
    /// braces doubled.
    /// </summary>
    public static string InterpolatedText(string value)
    {
        var literal = String(value);
        return literal.Substring(1, literal.Length - 2).Replace("{", "{{").Replace("}", "}}");
    }

    /// <summary>An <c>int</c> literal.</summary>
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>long</c> literal.</summary>
    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>double</c> literal: round-trip digits with a decimal point, or a <c>double.*</c> member for NaN and infinities.</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value)) return "double.NaN";
        if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    /// <summary>A <c>bool</c> literal.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// A <c>//</c> comment of <paramref name="text"/> on one line: every line break (and every other control character) becomes
    /// a space and runs of white space collapse, so nothing of it can become code.
    /// </summary>
    public static string Comment(string text) => "// " + OneLine(text);

    /// <summary><paramref name="text"/> with line breaks and control characters replaced by single spaces.</summary>
    public static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Text for an XML doc comment: on one line, with <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped.</summary>
    public static string XmlText(string text) => OneLine(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A fully qualified type name as a <c>cref</c> (generic arguments in braces).</summary>
    public static string Cref(string fullName) => OneLine(fullName).Replace('<', '{').Replace('>', '}').Replace("\"", "");
}
