using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0029: removes the repeated entry of a multi-task attribute's task list, whether the tasks are separate arguments or
/// the elements of one array.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRepeatedTaskCodeFix)), Shared]
public sealed class RemoveRepeatedTaskCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.DuplicateTask);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || Entry(root.FindNode(diagnostic.Location.SourceSpan)) is not { } entry) continue;
            context.RegisterCodeFix(
                CodeAction.Create("Remove the repeated task", ct => Fix(context.Document, entry, ct), nameof(RemoveRepeatedTaskCodeFix)),
                diagnostic);
        }
    }

    /// <summary>The list entry at the diagnostic: an attribute argument, an array element or a collection element; null for anything else.</summary>
    private static SyntaxNode? Entry(SyntaxNode node) => node switch
    {
        AttributeArgumentSyntax or ExpressionElementSyntax => node,
        ExpressionSyntax { Parent: AttributeArgumentSyntax or ExpressionElementSyntax } => node.Parent,
        ExpressionSyntax { Parent: InitializerExpressionSyntax } => node,
        _ => null,
    };

    private static async Task<Document> Fix(Document document, SyntaxNode entry, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.RemoveNode(entry, SyntaxRemoveOptions.KeepNoTrivia)!);
    }
}
