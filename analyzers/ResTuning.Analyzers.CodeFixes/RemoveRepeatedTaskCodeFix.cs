namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0029: removes the repeated entry of a multi-task attribute's task list, whether the tasks are separate arguments or
/// the elements of one array.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRepeatedTaskCodeFix)), Shared]
public sealed class RemoveRepeatedTaskCodeFix : ResTuningCodeFix
{
    /// <summary>Creates the fix.</summary>
    public RemoveRepeatedTaskCodeFix() : base(DiagnosticIds.DuplicateTask)
    {
    }

    /// <inheritdoc />
    protected override Fix? Plan(SyntaxNode root, Diagnostic diagnostic) =>
        Entry(root.FindNode(diagnostic.Location.SourceSpan)) is { } entry
            ? Rewrite("Remove the repeated task", r => r.RemoveNode(entry, SyntaxRemoveOptions.KeepNoTrivia)!)
            : null;


    /// <summary>The list entry at the diagnostic: an attribute argument, an array element or a collection element; null for anything else.</summary>
    private static SyntaxNode? Entry(SyntaxNode node) => node switch
    {
        AttributeArgumentSyntax or ExpressionElementSyntax => node,
        ExpressionSyntax { Parent: AttributeArgumentSyntax or ExpressionElementSyntax } => node.Parent,
        ExpressionSyntax { Parent: InitializerExpressionSyntax } => node,
        _ => null,
    };
}
