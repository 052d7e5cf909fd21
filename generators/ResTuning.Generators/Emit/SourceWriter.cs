using System.Text;

namespace ResTuning.Generators.Emit;

/// <summary>A minimal indenting writer for generated C#.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder builder = new();
    private int indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0) builder.Append(' ', indent * 4).Append(text);
        builder.Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => builder.ToString();
}
