using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Tuners;

namespace ResTuning.Generators.Model;

/// <summary>The DSL's attributes on a class that is no model (RT0028).</summary>
internal sealed partial class ModelParser
{
    /// <summary>
    /// RT0028 on every tuner, <c>[Trainable]</c> or bypass attribute of <paramref name="type"/> when it has no model
    /// attribute: the generator only reads them on a model, so they would be ignored without a word. Nothing when a model
    /// attribute is written without its type argument (RT0027 is that class's error).
    /// </summary>
    public static EquatableArray<DiagnosticInfo> ParseUnattached(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var attribute in type.GetAttributes())
        {
            var model = ModelReading(AttributeName(attribute));
            if (model is null) continue;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnattachedAttribute, LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)),
                SourceText(attribute), type.Name, model));
        }
        if (diagnostics.Count == 0 || Modes.Any(m => HasAttribute(type, m.MetadataName))) return EquatableArray<DiagnosticInfo>.Empty;
        foreach (var part in type.DeclaringSyntaxReferences)
        {
            if (part.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                declaration.AttributeLists.SelectMany(l => l.Attributes).Any(a => ModelAttributeSyntax.ModeName(a) is not null))
                return EquatableArray<DiagnosticInfo>.Empty;
        }
        return diagnostics.ToEquatableArray();
    }

    /// <summary>The model attribute that reads the DSL attribute <paramref name="metadataName"/>; null for any other attribute.</summary>
    private static string? ModelReading(string metadataName) => metadataName switch
    {
        _ when TunerKinds.IsTuner(metadataName) => "ResTuning",
        nameof(TrainableAttribute) => "ResTuning",
        nameof(BypassTapsAttribute) or nameof(LateralAttribute) or nameof(VerticalAttribute) => "ResTuningBypass",
        _ => null,
    };
}
