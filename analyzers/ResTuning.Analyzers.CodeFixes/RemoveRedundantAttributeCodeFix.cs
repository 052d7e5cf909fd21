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
/// RT0017 and RT0019: removes the repeated tuner attribute or the already covered <c>[Trainable]</c> attribute (and
/// its attribute list when it held nothing else).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRedundantAttributeCodeFix)), Shared]
public sealed class RemoveRedundantAttributeCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.DuplicateTuner, DiagnosticIds.RedundantTrainable);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var attribute = root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute?.Parent is not AttributeListSyntax) continue;
            context.RegisterCodeFix(
                CodeAction.Create("Remove the redundant attribute", ct => Fix(context.Document, attribute, ct), nameof(RemoveRedundantAttributeCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> Fix(Document document, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var list = (AttributeListSyntax)attribute.Parent!;
        SyntaxNode removed = list.Attributes.Count == 1 ? list : attribute;
        return document.WithSyntaxRoot(root!.RemoveNode(removed, SyntaxRemoveOptions.KeepNoTrivia)!);
    }
}
