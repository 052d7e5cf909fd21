using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>The incremental pipeline: an unrelated edit regenerates nothing, and models hold values only.</summary>
public sealed class CacheabilityTests
{
    private const string Model = """
        using ResTuning;

        namespace Demo.Models;

        [ResTuning<Demo.TinyVit>(Features = 16)]
        [ResAdapter("blocks.*.mlp", Dim = 8)]
        [LoRA("blocks.0..2.attn.qkv", Rank = 4)]
        [Trainable("head")]
        public partial class Tuned;

        [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
        [BypassTaps(Start = "stem", Taps = "blocks.*")]
        public partial class Detached;

        [ResTuningMultiTask<Demo.TinyVit>(typeof(Detached))]
        public partial class Tasks;
        """;

    private const string Unrelated = "namespace Demo.Other; public static class Helper { public static int Value => 1; }";

    private static readonly string[] AllSteps =
    {
        TrackingNames.ParallelModels, TrackingNames.BypassModels, TrackingNames.MultiTaskModels, TrackingNames.ParallelSpecs,
        TrackingNames.BypassSpecs, TrackingNames.MultiTaskSpecs,
    };

    [Fact]
    public void Unrelated_edit_leaves_every_tracked_step_cached_or_unchanged()
    {
        var compilation = Harness.Compilation(Sources.Backbone, Model, Unrelated);
        var driver = Harness.Driver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        foreach (var name in AllSteps) Assert.True(first.TrackedSteps.ContainsKey(name), $"step {name} is not tracked");

        var unrelatedTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(unrelatedTree, CSharpSyntaxTree.ParseText(
            Unrelated.Replace("=> 1", "=> 2"), Harness.ParseOptions, path: unrelatedTree.FilePath));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var name in AllSteps)
        {
            foreach (var step in second.TrackedSteps[name])
            foreach (var (_, reason) in step.Outputs)
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name} output was {reason}");
        }
        foreach (var output in second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason);
    }

    [Fact]
    public void Editing_the_configuration_reruns_the_model_step()
    {
        var compilation = Harness.Compilation(Sources.Backbone, Model, Unrelated);
        var driver = Harness.Driver().RunGenerators(compilation);
        var modelTree = compilation.SyntaxTrees.ElementAt(1);
        var edited = compilation.ReplaceSyntaxTree(modelTree, CSharpSyntaxTree.ParseText(
            Model.Replace("Dim = 8", "Dim = 16"), Harness.ParseOptions, path: modelTree.FilePath));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = second.TrackedSteps[TrackingNames.ParallelSpecs].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains("ResAdapter(inFeatures: 16, hiddenDim: 16, outFeatures: 16", second.GeneratedSources.Single(s => s.HintName == "Demo.Models.Tuned.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var result = Harness.Run(Sources.Backbone, Model, Unrelated);
        var steps = result.RunResult.Results.Single().TrackedSteps;
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var checkedValues = 0;
        foreach (var name in AllSteps)
        foreach (var step in steps[name])
        foreach (var (value, _) in step.Outputs)
        {
            Walk(value, name, visited);
            checkedValues++;
        }
        Assert.True(checkedValues >= 4, "the walk saw too few values to mean anything");
        // The walk would have found these had the models kept them.
        Assert.Throws<Xunit.Sdk.TrueException>(() => Walk(result.Input, "probe", new HashSet<object>(ReferenceEqualityComparer.Instance)));
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.True(value is not ISymbol and not SyntaxNode and not Compilation and not SemanticModel and not SyntaxTree and not Location,
            $"{path} holds a {value.GetType().Name}");
        if (!value.GetType().IsValueType && !visited.Add(value)) return;

        if (value is IEnumerable sequence)
        {
            var i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", visited);
            if (value.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) == true) return;
        }
        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }
}
