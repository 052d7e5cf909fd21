using Microsoft.CodeAnalysis.Text;

namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0005: replaces a misspelled tap segment with the closest registered name, which the analyzer passes in the
/// diagnostic's <see cref="DiagnosticPropertyNames.Suggestion"/> property (no suggestion, no fix).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedTapNameCodeFix)), Shared]
public sealed class UseSuggestedTapNameCodeFix : ResTuningCodeFix
{
    /// <summary>Creates the fix.</summary>
    public UseSuggestedTapNameCodeFix() : base(DiagnosticIds.UnresolvedTap)
    {
    }

    /// <inheritdoc />
    protected override Fix? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.Suggestion, out var suggestion) || string.IsNullOrEmpty(suggestion)) return null;
        var span = diagnostic.Location.SourceSpan;
        // The analyzer locates the segment inside a plain string literal; anything else (a constant, a verbatim
        // string with escapes) is reported on the whole expression and not rewritten here.
        var token = root.FindToken(span.Start);
        if (!token.IsKind(SyntaxKind.StringLiteralToken) || span.Start <= token.SpanStart || span.End >= token.Span.End) return null;
        return new Fix($"Use '{suggestion}'", async (document, cancellationToken) =>
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return document.WithText(text.WithChanges(new TextChange(span, suggestion!)));
        });
    }
}
