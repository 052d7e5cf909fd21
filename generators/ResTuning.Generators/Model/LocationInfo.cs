using Microsoft.CodeAnalysis.Text;

namespace ResTuning.Generators.Model;

/// <summary>A source location as plain values (no syntax tree reference), so models stay cacheable.</summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public Location ToLocation() => Location.Create(
        FilePath,
        new TextSpan(Start, Length),
        new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.SyntaxTree, node.Span);

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is { } tree ? From(tree, location.SourceSpan) : null;

    public static LocationInfo From(SyntaxTree tree, TextSpan span)
    {
        var lines = tree.GetLineSpan(span);
        return new LocationInfo(tree.FilePath, span.Start, span.Length,
            lines.StartLinePosition.Line, lines.StartLinePosition.Character,
            lines.EndLinePosition.Line, lines.EndLinePosition.Character);
    }
}
