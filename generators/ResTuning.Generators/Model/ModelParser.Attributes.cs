using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>
/// Reading attribute applications: their names, their arguments as written (for exact spans) and as values, and
/// RT0008 for a value out of its <see cref="ParameterRange"/>.
/// </summary>
internal sealed partial class ModelParser
{
    /// <summary>The expression of the positional argument (<paramref name="property"/> null) or of a named argument.</summary>
    private static ExpressionSyntax? ArgumentSyntax(AttributeData attribute, string? property)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax || syntax.ArgumentList is null) return null;
        foreach (var argument in syntax.ArgumentList.Arguments)
        {
            var name = argument.NameEquals?.Name.Identifier.Text;
            if (property is null ? name is null && argument.NameColon is null : name == property) return argument.Expression;
        }
        return null;
    }

    /// <summary>The location of an attribute's positional (<paramref name="property"/> null) or named argument; the attribute's when absent.</summary>
    internal static LocationInfo? ArgumentLocation(AttributeData attribute, string? property) =>
        LocationInfo.From(ArgumentSyntax(attribute, property)) ?? LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());

    internal static DiagnosticInfo ParameterError(AttributeData attribute, string property, string owner, string parameter, ParameterRange range, object actual)
    {
        var info = DiagnosticInfo.Create(DiagnosticDescriptors.ParameterOutOfRange, ArgumentLocation(attribute, property), owner, parameter, range.Text,
            Convert.ToString(actual, CultureInfo.InvariantCulture) ?? "");
        return range.NearestValid(actual) is { } valid ? info.WithProperty(DiagnosticPropertyNames.ValidValue, valid) : info;
    }

    /// <summary>The location of a type declaration's name.</summary>
    internal static LocationInfo? IdentifierLocation(SyntaxNode declaration) => declaration is BaseTypeDeclarationSyntax t
        ? LocationInfo.From(t.SyntaxTree, t.Identifier.Span)
        : LocationInfo.From(declaration);

    private static string AttributeName(AttributeData attribute) =>
        attribute.AttributeClass is { } cls && cls.ContainingNamespace?.ToDisplayString() == Namespace ? cls.MetadataName : "";

    private static bool HasAttribute(INamedTypeSymbol type, string metadataName) => type.GetAttributes().Any(a => AttributeName(a) == metadataName);

    private static string TapText(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string s ? s : "";

    private static string SourceText(AttributeData attribute) =>
        "[" + (attribute.ApplicationSyntaxReference?.GetSyntax().ToString() ?? AttributeName(attribute)) + "]";

    private static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
            if (pair.Key == name) return pair.Value;
        return null;
    }

    private static string? NamedString(AttributeData attribute, string name) => Named(attribute, name)?.Value as string;

    /// <summary>The location of a generic attribute's type argument (<c>TBackbone</c>, <c>TTuner</c>); the attribute's when not written so.</summary>
    internal static LocationInfo? TypeArgumentLocation(AttributeData attribute)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax) return null;
        var name = syntax.Name is QualifiedNameSyntax q ? q.Right : syntax.Name;
        return name is GenericNameSyntax g && g.TypeArgumentList.Arguments.Count == 1
            ? LocationInfo.From(g.TypeArgumentList.Arguments[0])
            : LocationInfo.From(syntax);
    }
}
