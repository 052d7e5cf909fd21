using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// The generated source for representative configurations, pinned by snapshots. Each also asserts the generator
/// reported nothing and the input plus generated code compiles with no warning or error (XML docs checked). The models
/// are <see cref="SnapshotModels"/> (tests/Shared), which the analyzer tests check too.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string, string> Configurations()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, attributes) in SnapshotModels.Configurations) data.Add(name, attributes);
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Generated_source_matches_snapshot_and_compiles_cleanly(string name, string attributes)
    {
        var sources = new List<string> { Sources.Backbone, Sources.Model(attributes) };
        var result = Harness.Run(sources.ToArray());

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
        var generated = Assert.Single(result.Sources);
        Assert.Equal("Demo.Models.Tuned.g.cs", generated.HintName);
        Snapshot.Match(name + ".g.cs", generated.SourceText.ToString());
        // Every generated model is an ITunedModel whose shared members (checkpoints, counts) live once, in the runtime base.
        Assert.DoesNotContain("RegisterComponents", generated.SourceText.ToString());
        Assert.DoesNotContain("SaveTuners", generated.SourceText.ToString());
        var tuned = result.Output.GetTypeByMetadataName("Demo.Models.Tuned")!;
        Assert.Contains(tuned.AllInterfaces, i => i.ToDisplayString() == "ResTuning.ITunedModel");
    }

    [Fact]
    public void Nested_type_in_global_namespace_gets_containing_declarations()
    {
        var model = SnapshotModels.NestedGlobalNamespace;
        var result = Harness.Run(Sources.Backbone, model);

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
        var generated = Assert.Single(result.Sources);
        Assert.Equal("Outer.Inner.g.cs", generated.HintName);
        Snapshot.Match("NestedGlobalNamespace.g.cs", generated.SourceText.ToString());
    }

    [Fact]
    public void Multi_task_group_shares_one_tap_source_and_compiles_cleanly()
    {
        var model = SnapshotModels.MultiTask;
        var result = Harness.Run(Sources.Backbone, model);

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
        Assert.Equal(new[] { "Demo.Models.AllTasks.g.cs", "Demo.Models.Colors.g.cs", "Demo.Models.Shapes.g.cs" },
            result.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Snapshot.Match("MultiTask.g.cs", result.Sources.Single(s => s.HintName == "Demo.Models.AllTasks.g.cs").SourceText.ToString());
    }
}
