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
internal static partial class ConfigurationParser
{
    private const string CustomTunerAttribute = "CustomTunerAttribute`1";

    /// <summary>The tuner's name on its tap: the type name in lower case (<c>MyTuner</c> → <c>mytuner</c>).</summary>
    private static string CustomTunerName(AttributeData attribute) =>
        attribute.AttributeClass is { TypeArguments.Length: 1 } cls ? cls.TypeArguments[0].Name.ToLowerInvariant() : "custom";

    private static void CheckCustomTuner(AttributeData attribute, string label, KnownTypes known, System.Collections.Generic.List<DiagnosticInfo> diagnostics)
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
        else if (!named.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 2
                     && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int64)))
            problem = "it has no public constructor (long inFeatures, long outFeatures)";
        if (problem is null) return;

        LocationInfo? location = null;
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            var name = syntax.Name is QualifiedNameSyntax q ? q.Right : syntax.Name;
            location = name is GenericNameSyntax g && g.TypeArgumentList.Arguments.Count == 1
                ? LocationInfo.From(g.TypeArgumentList.Arguments[0])
                : LocationInfo.From(syntax);
        }
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticIds.CustomTunerContract, location, label, tuner.ToDisplayString(), problem));
    }
}
