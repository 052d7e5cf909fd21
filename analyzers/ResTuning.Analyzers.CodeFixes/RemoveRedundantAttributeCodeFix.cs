namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0017 and RT0019: removes the repeated tuner attribute or the already covered <c>[Trainable]</c> attribute (and
/// its attribute list when it held nothing else).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRedundantAttributeCodeFix)), Shared]
public sealed class RemoveRedundantAttributeCodeFix : ResTuningCodeFix
{
    /// <summary>Creates the fix.</summary>
    public RemoveRedundantAttributeCodeFix() : base(DiagnosticIds.DuplicateTuner, DiagnosticIds.RedundantTrainable)
    {
    }

    /// <inheritdoc />
    protected override Fix? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        var attribute = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>();
        if (attribute?.Parent is not AttributeListSyntax list) return null;
        // The attribute list goes too when it held nothing else.
        SyntaxNode removed = list.Attributes.Count == 1 ? list : attribute;
        return Rewrite("Remove the redundant attribute", r => r.RemoveNode(removed, SyntaxRemoveOptions.KeepNoTrivia)!);
    }
}
