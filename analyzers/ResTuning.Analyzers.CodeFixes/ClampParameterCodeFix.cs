namespace ResTuning.Analyzers.CodeFixes;

/// <summary>
/// RT0008: replaces an out-of-range parameter value with the nearest valid one (<c>Dim = 0</c> → <c>1</c>,
/// <c>Dropout = 1.5</c> → <c>0.0</c>, <c>Lambda = 2</c> → <c>1.0</c>), which the analyzer computes and passes in
/// the diagnostic's <see cref="DiagnosticPropertyNames.ValidValue"/> property (no valid value, no fix).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ClampParameterCodeFix)), Shared]
public sealed class ClampParameterCodeFix : ResTuningCodeFix
{
    /// <summary>Creates the fix.</summary>
    public ClampParameterCodeFix() : base(DiagnosticIds.ParameterOutOfRange)
    {
    }

    /// <inheritdoc />
    protected override Fix? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.ValidValue, out var valid) || string.IsNullOrEmpty(valid)) return null;
        if (root.FindNode(diagnostic.Location.SourceSpan) is not ExpressionSyntax value || value.Parent is not AttributeArgumentSyntax) return null;
        return Rewrite($"Use {valid}", r => r.ReplaceNode(value, SyntaxFactory.ParseExpression(valid!).WithTriviaFrom(value)));
    }
}
