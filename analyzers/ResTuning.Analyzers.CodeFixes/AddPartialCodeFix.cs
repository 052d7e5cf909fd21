using System.Linq;

namespace ResTuning.Analyzers.CodeFixes;

/// <summary>RT0001: adds <c>partial</c> to the model class and to every containing type that lacks it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
public sealed class AddPartialCodeFix : ResTuningCodeFix
{
    /// <summary>Creates the fix.</summary>
    public AddPartialCodeFix() : base(DiagnosticIds.NotPartial)
    {
    }

    /// <inheritdoc />
    protected override Fix? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax declaration) return null;
        var targets = declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
        return Rewrite("Make partial", r => r.ReplaceNodes(targets, static (_, rewritten) => AddPartial(rewritten)));
    }


    /// <summary>Adds <c>partial</c> as the last modifier (it must come right before the <c>class</c> keyword).</summary>
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Count > 0)
            return type.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        var partial = SyntaxFactory.Token(type.Keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return type.WithKeyword(type.Keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
    }
}
