using System.Threading;

namespace ResTuning.Generators.Model;

/// <summary>
/// Turns an annotated class (its symbol and attributes) into a value-only <see cref="ModelResult"/>: parses and
/// resolves every tap, checks every parameter, and collects diagnostics with exact spans. Shared by the generator and
/// the analyzers. Each entry point runs one <see cref="ModelParser"/> over one class.
/// </summary>
internal static class ConfigurationParser
{
    public const string Namespace = "ResTuning";
    public const string ParallelAttribute = "ResTuningAttribute`1";
    public const string BypassAttribute = "ResTuningBypassAttribute`1";
    public const string ParallelAttributeMetadataName = Namespace + "." + ParallelAttribute;
    public const string BypassAttributeMetadataName = Namespace + "." + BypassAttribute;
    public const string MultiTaskAttribute = "ResTuningMultiTaskAttribute`1";
    public const string MultiTaskAttributeMetadataName = Namespace + "." + MultiTaskAttribute;

    /// <summary>Parses a class annotated with the parallel mode attribute.</summary>
    public static ModelResult ParseParallel(INamedTypeSymbol type, SyntaxNode declaration, AttributeData modeAttribute, Compilation compilation, CancellationToken cancellationToken) =>
        new ModelParser(type, declaration, compilation, cancellationToken).ParseParallel(modeAttribute);

    /// <summary>Parses a class annotated with the bypass mode attribute.</summary>
    public static ModelResult ParseBypass(INamedTypeSymbol type, SyntaxNode declaration, AttributeData modeAttribute, Compilation compilation, CancellationToken cancellationToken) =>
        new ModelParser(type, declaration, compilation, cancellationToken).ParseBypass(modeAttribute);

    /// <summary>Parses a class annotated with the multi-task mode attribute.</summary>
    public static ModelResult ParseMultiTask(INamedTypeSymbol type, SyntaxNode declaration, AttributeData modeAttribute, Compilation compilation, CancellationToken cancellationToken) =>
        new ModelParser(type, declaration, compilation, cancellationToken).ParseMultiTask(modeAttribute);

    /// <summary>RT0028 on the DSL attributes of a class that has no model attribute.</summary>
    public static EquatableArray<DiagnosticInfo> ParseUnattached(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        ModelParser.ParseUnattached(type, cancellationToken);

    /// <summary>The location of an attribute's positional (<paramref name="property"/> null) or named argument; the attribute's when absent.</summary>
    public static LocationInfo? ArgumentLocation(AttributeData attribute, string? property) => ModelParser.ArgumentLocation(attribute, property);

    /// <summary>The location of a type declaration's name.</summary>
    public static LocationInfo? IdentifierLocation(SyntaxNode declaration) => ModelParser.IdentifierLocation(declaration);
}
