using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ResTuning.TestSupport;

/// <summary>
/// What every Roslyn test compilation is built against: .NET 10 reference assemblies (offline, from
/// Basic.Reference.Assemblies), TorchSharp, ResTuning and ResTuning.Abstractions. Linked into each project that
/// compiles test inputs (generator tests, analyzer tests, the generator benchmark).
/// </summary>
internal static class TestReferences
{
    /// <summary>The metadata references.</summary>
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
