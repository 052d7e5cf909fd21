using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0005: replaces a misspelled tap segment with the closest registered name, which the analyzer passes in the
/// diagnostic's <see cref="DiagnosticPropertyNames.Suggestion"/> property (no suggestion, no fix).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedTapNameCodeFix)), Shared]
public sealed class UseSuggestedTapNameCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.UnresolvedTap);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.Suggestion, out var suggestion) || string.IsNullOrEmpty(suggestion)) continue;
            var span = diagnostic.Location.SourceSpan;
            // The analyzer locates the segment inside a plain string literal; anything else (a constant, a verbatim
            // string with escapes) is reported on the whole expression and not rewritten here.
            var token = root?.FindToken(span.Start) ?? default;
            if (!token.IsKind(SyntaxKind.StringLiteralToken) || span.Start <= token.SpanStart || span.End >= token.Span.End) continue;
            context.RegisterCodeFix(
                CodeAction.Create($"Use '{suggestion}'", ct => Fix(context.Document, span, suggestion!, ct), nameof(UseSuggestedTapNameCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> Fix(Document document, TextSpan span, string suggestion, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return document.WithText(text.WithChanges(new TextChange(span, suggestion)));
    }
}
