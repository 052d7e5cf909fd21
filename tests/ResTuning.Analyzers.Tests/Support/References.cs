using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ResTuning.Analyzers.Tests.Support;

/// <summary>
/// Metadata references of every test input: .NET 10 reference assemblies (offline, from Basic.Reference.Assemblies),
/// TorchSharp, ResTuning and ResTuning.Abstractions.
/// </summary>
internal static class References
{
    public static readonly ImmutableArray<MetadataReference> All = Basic.Reference.Assemblies.Net100.References.All
        .Cast<MetadataReference>()
        .Concat(new[]
        {
            MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(ResTuning.Parallel.ResParallel).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(ResTuning.ResAdapterAttribute).Assembly.Location),
        })
        .ToImmutableArray();

    /// <summary>The SDK's defaults: TorchSharp is built against System.Runtime 8, unified with 10 here.</summary>
    public static readonly ImmutableDictionary<string, ReportDiagnostic> SuppressedUnification = ImmutableDictionary<string, ReportDiagnostic>.Empty
        .Add("CS1701", ReportDiagnostic.Suppress)
        .Add("CS1702", ReportDiagnostic.Suppress);
}
