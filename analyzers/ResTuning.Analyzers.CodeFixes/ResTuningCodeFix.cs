using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeActions;

namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// What every ResTuning code fix shares: the ids it fixes, batch fix-all, and one action per diagnostic whose syntax it
/// recognises. A fix says only how it reads a diagnostic (<see cref="Plan"/>): the title and the change, or nothing.
/// </summary>
public abstract class ResTuningCodeFix : CodeFixProvider
{
    private readonly ImmutableArray<string> ids;

    /// <summary>Creates the fix for <paramref name="ids"/>.</summary>
    /// <param name="ids">The RT ids it fixes.</param>
    protected ResTuningCodeFix(params string[] ids) => this.ids = ImmutableArray.Create(ids);

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => ids;

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        var document = context.Document;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, diagnostic) is not { } fix) continue;
            context.RegisterCodeFix(CodeAction.Create(fix.Title, ct => fix.Apply(document, ct), GetType().Name), diagnostic);
        }
    }

    /// <summary>The fix of one diagnostic, or null when its syntax is not what this fix rewrites (no action is offered).</summary>
    /// <param name="root">The document's syntax root.</param>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <returns>The action's title and the change.</returns>
    protected abstract Fix? Plan(SyntaxNode root, Diagnostic diagnostic);

    /// <summary>A fix: its title and the change it makes to the document.</summary>
    /// <param name="Title">What the light bulb says.</param>
    /// <param name="Apply">The change.</param>
    protected sealed record Fix(string Title, Func<Document, CancellationToken, Task<Document>> Apply);

    /// <summary>A fix that replaces the document's syntax root by <paramref name="rewrite"/>(root).</summary>
    /// <param name="title">What the light bulb says.</param>
    /// <param name="rewrite">The new root from the current one.</param>
    /// <returns>The fix.</returns>
    protected static Fix Rewrite(string title, Func<SyntaxNode, SyntaxNode> rewrite) => new(title, async (document, cancellationToken) =>
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(rewrite(root!));
    });
}
