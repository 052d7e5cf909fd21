using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0008: replaces an out-of-range parameter value with the nearest valid one (<c>Dim = 0</c> → <c>1</c>,
/// <c>Dropout = 1.5</c> → <c>0.0</c>, <c>Lambda = 2</c> → <c>1.0</c>), which the analyzer computes and passes in
/// the diagnostic's <see cref="DiagnosticPropertyNames.ValidValue"/> property (no valid value, no fix).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ClampParameterCodeFix)), Shared]
public sealed class ClampParameterCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.ParameterOutOfRange);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.ValidValue, out var valid) || string.IsNullOrEmpty(valid)) continue;
            if (root?.FindNode(diagnostic.Location.SourceSpan) is not ExpressionSyntax value || value.Parent is not AttributeArgumentSyntax) continue;
            context.RegisterCodeFix(
                CodeAction.Create($"Use {valid}", ct => Fix(context.Document, value, valid!, ct), nameof(ClampParameterCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> Fix(Document document, ExpressionSyntax value, string valid, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(value, SyntaxFactory.ParseExpression(valid).WithTriviaFrom(value)));
    }
}
