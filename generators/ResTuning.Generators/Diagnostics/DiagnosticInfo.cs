using System.Linq;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Model;

namespace ResTuning.Generators.Diagnostics;

/// <summary>A diagnostic as plain values (id, location, message arguments), so models stay cacheable.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(string id, LocationInfo? location, params string[] arguments) =>
        new(id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() => Diagnostic.Create(
        DiagnosticDescriptors.Get(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, Arguments.Cast<object>().ToArray());
}
