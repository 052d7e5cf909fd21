using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Model;

namespace ResTuning.Generators.Diagnostics;

/// <summary>
/// A diagnostic as plain values (id, location, message arguments, and the properties code fixes read), so models
/// stay cacheable.
/// </summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments, EquatableArray<DiagnosticProperty> Properties = default)
{
    public static DiagnosticInfo Create(string id, LocationInfo? location, params string[] arguments) =>
        new(id, location, arguments.ToEquatableArray());

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
        DiagnosticDescriptors.Get(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, PropertyMap(), Arguments.Cast<object>().ToArray());

    /// <summary>
    /// The diagnostic at a source location in <paramref name="compilation"/>'s tree (what an analyzer must report,
    /// and what code fixes need).
    /// </summary>
    public Diagnostic ToDiagnostic(Compilation compilation)
    {
        var location = Microsoft.CodeAnalysis.Location.None;
        if (Location is { } info)
        {
            var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
            location = tree is not null
                ? Microsoft.CodeAnalysis.Location.Create(tree, new Microsoft.CodeAnalysis.Text.TextSpan(info.Start, info.Length))
                : info.ToLocation();
        }
        return Diagnostic.Create(DiagnosticDescriptors.Get(Id), location, PropertyMap(), Arguments.Cast<object>().ToArray());
    }
}
