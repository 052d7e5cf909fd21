using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Generators.Model;

/// <summary>
/// <c>[CustomTuner&lt;TTuner&gt;]</c>: the tuner contract. A custom tuner is a non-abstract class deriving from
/// <c>nn.Module&lt;Tensor, Tensor&gt;</c> with a public constructor <c>(long inFeatures, long outFeatures)</c>, which the
/// generated code calls with the tap's widths.
/// </summary>
internal sealed partial class ModelParser
{
    private const string CustomTunerAttribute = "CustomTunerAttribute`1";

    /// <summary>The tuner's name on its tap: the type name in lower case (<c>MyTuner</c> → <c>mytuner</c>).</summary>
    private static string CustomTunerName(AttributeData attribute) =>
        attribute.AttributeClass is { TypeArguments.Length: 1 } cls ? cls.TypeArguments[0].Name.ToLowerInvariant() : "custom";

    private void CheckCustomTuner(AttributeData attribute, string label)
    {
        if (attribute.AttributeClass is not { TypeArguments.Length: 1 } cls || cls.TypeArguments[0] is IErrorTypeSymbol) return;
        var tuner = cls.TypeArguments[0];
        string? problem = null;
        if (tuner is not INamedTypeSymbol { TypeKind: TypeKind.Class } named)
            problem = "it is not a class";
        else if (named.IsAbstract || named.IsStatic)
            problem = "it is abstract";
        else if (!known.IsTensorModule(named))
            problem = "it does not derive from nn.Module<Tensor, Tensor>";
        else
        {
            var candidates = named.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 2
                && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int64)).ToList();
            if (candidates.Count == 0)
                problem = "it has no public constructor (long inFeatures, long outFeatures)";
            else if (candidates.All(c => c.Parameters.Any(p => p.RefKind is not (RefKind.None or RefKind.In))))
                problem = "its constructor (long, long) takes ref or out parameters, and the generated code passes the widths by value";
            else if (candidates.All(c => c.Parameters.Any(p => p.RefKind is not (RefKind.None or RefKind.In)) || IsObsoleteError(c)))
                problem = "its constructor (long, long) is [Obsolete] as an error, so the generated code cannot call it";
        }
        if (problem is null) return;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CustomTunerContract, TypeArgumentLocation(attribute), label, tuner.ToDisplayString(), problem));
    }

    private static bool IsObsoleteError(IMethodSymbol constructor) => constructor.GetAttributes().Any(a =>
        a.AttributeClass?.ToDisplayString() == "System.ObsoleteAttribute" && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[1].Value is true);

    /// <summary>The location of a generic attribute's type argument (<c>TBackbone</c>, <c>TTuner</c>); the attribute's when not written so.</summary>
    private static LocationInfo? TypeArgumentLocation(AttributeData attribute)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax) return null;
        var name = syntax.Name is QualifiedNameSyntax q ? q.Right : syntax.Name;
        return name is GenericNameSyntax g && g.TypeArgumentList.Arguments.Count == 1
            ? LocationInfo.From(g.TypeArgumentList.Arguments[0])
            : LocationInfo.From(syntax);
    }
}
