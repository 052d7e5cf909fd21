using System.Collections.Immutable;

namespace ResTuning.Generators.Diagnostics;

/// <summary>
/// A diagnostic as values (its descriptor, location, message arguments, and the properties code fixes read), so models
/// stay cacheable; the descriptor answers what the diagnostic is (its id, its severity).
/// </summary>
/// <remarks>
/// <see cref="ByGenerator"/> marks the few diagnostics that come with a compiler error of the declaration stage (a base
/// class whose abstract members the model lacks: CS0534). A command-line build stops at such errors before it reports
/// any analyzer diagnostic, but it does report the generator's: those are reported by the generator, and the analyzer
/// skips them so the IDE does not show them twice. Every other diagnostic is the analyzer's.
/// </remarks>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments, EquatableArray<DiagnosticProperty> Properties = default,
    bool ByGenerator = false)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor, location, arguments.ToEquatableArray());

    /// <summary>The id, <c>RTxxxx</c>.</summary>
    public string Id => Descriptor.Id;

    /// <summary>True for an error: the model is not generated (a shell is, where one compiles).</summary>
    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;

    /// <summary>This diagnostic, reported by the generator instead of the analyzer (see the remarks).</summary>
    public DiagnosticInfo FromGenerator() => this with { ByGenerator = true };

    /// <summary>This diagnostic with one more property (for a code fix).</summary>
    public DiagnosticInfo WithProperty(string key, string value) => this with { Properties = Properties.Append(new DiagnosticProperty(key, value)) };

    private ImmutableDictionary<string, string?> PropertyMap()
    {
        var map = ImmutableDictionary<string, string?>.Empty;
        foreach (var p in Properties) map = map.SetItem(p.Key, p.Value);
        return map;
    }

    /// <summary>The diagnostic at a file location (what a generator reports from a cached model).</summary>
    public Diagnostic ToDiagnostic() => Diagnostic.Create(
        Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, PropertyMap(), Arguments.Cast<object>().ToArray());

    /// <summary>The diagnostic at <paramref name="location"/> (a location the caller resolved in its compilation).</summary>
    public Diagnostic ToDiagnostic(Microsoft.CodeAnalysis.Location location) =>
        Diagnostic.Create(Descriptor, location, PropertyMap(), Arguments.Cast<object>().ToArray());
}
