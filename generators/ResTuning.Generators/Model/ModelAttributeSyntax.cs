using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ResTuning.Generators.Model;

/// <summary>
/// The model attributes as written: <c>[ResTuning&lt;T&gt;]</c>, <c>[ResTuningBypass&lt;T&gt;]</c> and
/// <c>[ResTuningMultiTask&lt;T&gt;]</c>, with or without the <c>Attribute</c> suffix, possibly qualified, and the same names
/// written without the type argument (RT0027), which bind to nothing of use (or to nothing at all, without the
/// <c>using ResTuning;</c>): <c>[ResTuning]</c> binds to the namespace
/// <c>ResTuning</c> (CS0616), the two others to a generic type without its argument (CS0305).
/// </summary>
internal static class ModelAttributeSyntax
{
    private static readonly string[] ModeNames = { "ResTuning", "ResTuningBypass", "ResTuningMultiTask" };

    /// <summary>The mode <paramref name="attribute"/>'s name names (<c>ResTuning</c>, <c>ResTuningBypass</c> or <c>ResTuningMultiTask</c>), with or without a type argument; null for any other name.</summary>
    public static string? ModeName(AttributeSyntax attribute)
    {
        if (RightmostName(attribute.Name) is not { } name) return null;
        var text = name.Identifier.ValueText;
        if (text.EndsWith("Attribute", StringComparison.Ordinal)) text = text.Substring(0, text.Length - "Attribute".Length);
        return Array.IndexOf(ModeNames, text) >= 0 ? text : null;
    }

    /// <summary>Whether <paramref name="attribute"/> is named like a model attribute but written without a type argument (a syntax-only test).</summary>
    public static bool LacksTypeArgument(AttributeSyntax attribute) =>
        RightmostName(attribute.Name) is IdentifierNameSyntax && ModeName(attribute) is not null;

    /// <summary>Whether the name is unqualified or qualified by the DSL's namespace (<c>ResTuning.</c>, <c>global::ResTuning.</c>).</summary>
    private static bool InDslNamespace(NameSyntax name) =>
        name is not QualifiedNameSyntax qualified || qualified.Left.ToString().Replace(" ", "") is ConfigurationParser.Namespace or "global::" + ConfigurationParser.Namespace;

    /// <summary>
    /// RT0027 when <paramref name="attribute"/> (see <see cref="LacksTypeArgument"/>) binds to nothing, to a namespace, or
    /// only to a model attribute type without its type argument; null when it binds (a user's own attribute of that
    /// name) or the compilation does not reference the model attributes. Reported by the generator: CS0616 and CS0305
    /// are declaration errors, after which a command-line build reports no analyzer diagnostic.
    /// </summary>
    public static DiagnosticInfo? MissingBackbone(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!LacksTypeArgument(attribute) || model.Compilation.GetTypeByMetadataName(ConfigurationParser.ParallelAttributeMetadataName) is null) return null;
        var info = model.GetSymbolInfo(attribute, cancellationToken);
        // Binds (a user's own attribute of the name), or binds to nothing under another namespace: not the DSL's.
        if (info.Symbol is not null || (info.CandidateSymbols.IsEmpty && !InDslNamespace(attribute.Name))) return null;
        foreach (var candidate in info.CandidateSymbols)
        {
            if (candidate is INamespaceSymbol) continue;
            var type = candidate as INamedTypeSymbol ?? candidate.ContainingType;
            if (type is null || !IsModelAttribute(type.OriginalDefinition)) return null;
        }
        var arguments = attribute.ArgumentList is null ? "" : OneLine(attribute.ArgumentList.ToString());
        return DiagnosticInfo.Create(DiagnosticDescriptors.MissingBackbone, LocationInfo.From(attribute.Name),
            OneLine(attribute.ToString()), OneLine(attribute.Name.ToString()), arguments).FromGenerator();
    }

    private static bool IsModelAttribute(INamedTypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == ConfigurationParser.Namespace &&
        type.MetadataName is ConfigurationParser.ParallelAttribute or ConfigurationParser.BypassAttribute or ConfigurationParser.MultiTaskAttribute;

    private static SimpleNameSyntax? RightmostName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => qualified.Right,
        AliasQualifiedNameSyntax alias => alias.Name,
        SimpleNameSyntax simple => simple,
        _ => null,
    };

    private static string OneLine(string text) => Regex.Replace(text, @"\s+", " ");
}
