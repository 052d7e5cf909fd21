using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// The generated source for representative configurations, pinned by snapshots. Each also asserts the generator
/// reported nothing and the input plus generated code compiles with no warning or error (XML docs checked).
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string, string> Configurations => new()
    {
        { "AdapterWildcardConstCount", """
            [ResTuning<Demo.TinyVit>(Features = 16)]
            [ResAdapter("blocks.*.mlp", Dim = 8)]
            """ },
        { "LoRARangeMergeable", """
            [ResTuning<Demo.TinyVit>]
            [LoRA("blocks.0..2.attn.qkv", Rank = 4, Alpha = 8, Dropout = 0.1)]
            """ },
        { "PrefixLambda", """
            [ResTuning<Demo.TinyVit>]
            [ResPrefix("blocks.*.attn", Length = 5, Scale = TunerScaleKind.Lambda)]
            """ },
        { "PromptSingleIndex", """
            [ResTuning<Demo.TinyVit>]
            [ResPrompt("blocks.3.attn", Length = 4, InitRange = 0.1)]
            """ },
        { "SeveralTunersOneTapTrainableHead", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("blocks.*.attn", Dim = 4, Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.0)]
            [ResPrefix("blocks.*.attn", Length = 2)]
            [ResAdapter("blocks.*.attn", Dim = 2, Activation = AdapterActivationKind.Relu, Name = "relu_adapter")]
            [Trainable("head")]
            """ },
        { "RuntimeCountAndRangeCheck", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("extra.*.mlp", In = 16, Scale = TunerScaleKind.LearnedPerChannel)]
            [LoRA("extra.0..1.mlp.fc1", Rank = 2)]
            """ },
        { "PrivateSequentialAndComponentName", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("stem.0", In = 16, Dim = 4, ZeroInit = false)]
            [Trainable("norm")]
            [Trainable("blocks.*.mlp.fc2")]
            """ },
        { "SequentialWildcardAndModuleDict", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("neck.*", In = 16, Dim = 4)]
            [ResAdapter("neck.0..1", In = 16, Dim = 2, Name = "narrow")]
            [LoRA("task_heads.cls", Rank = 2)]
            """ },
        { "Checkpoints", """
            [ResTuning<Demo.TinyVit>]
            [LoRA("blocks.*.mlp.fc1")]
            [Trainable("head")]
            """ },
        { "CustomTunerOnMlpAndLinear", """
            [ResTuning<Demo.TinyVit>(Features = 16)]
            [CustomTuner<Demo.ScaledBias>("blocks.*.mlp", Scale = TunerScaleKind.LearnedScalar)]
            [CustomTuner<Demo.ScaledBias>("head")]
            """ },
        { "BypassAdaptersHeadPrivateStart", """
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Start = "stem", Taps = "blocks.*")]
            [Lateral(TunerKind.Adapter, Dim = 8), Vertical(TunerKind.Adapter, Dim = 8)]
            """ },
        { "BypassReentryLoRALearnedLambda", """
            [ResTuningBypass<Demo.TinyVit>(Features = 16, Lambda = 0.3, LearnLambda = true)]
            [BypassTaps(Taps = "blocks.0..2, extra.0", Output = "norm")]
            [Lateral(TunerKind.LoRA, Rank = 2, Alpha = 4), Vertical(TunerKind.Identity)]
            """ },
        { "BypassWidthsUpsampleFixedLambda", """
            [ResTuningBypass<Demo.TinyVit>(Widths = new[] { 16, 16, 16 }, Classes = 2, Lambda = 0.5)]
            [BypassTaps(Taps = "blocks.1, blocks.3", Upsample = true)]
            [Lateral(TunerKind.Adapter, Dim = 4, Residual = true, Dropout = 0.1)]
            """ },
    };

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
        var model = """
            using ResTuning;

            public static partial class Outer
            {
                [ResTuning<Demo.TinyVit>]
                [ResAdapter("blocks.0.mlp", In = 16)]
                public partial class Inner;
            }
            """;
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
        var model = """
            using ResTuning;

            namespace Demo.Models;

            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Start = "stem", Taps = "blocks.*")]
            public partial class Shapes;

            [ResTuningBypass<Demo.TinyVit>(Classes = 3, Features = 16)]
            [BypassTaps(Start = "stem", Taps = "blocks.*")]
            [Lateral(TunerKind.LoRA, Rank = 4)]
            public partial class Colors;

            [ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes), typeof(Colors))]
            public partial class AllTasks;
            """;
        var result = Harness.Run(Sources.Backbone, model);

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
        Assert.Equal(new[] { "Demo.Models.AllTasks.g.cs", "Demo.Models.Colors.g.cs", "Demo.Models.Shapes.g.cs" },
            result.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Snapshot.Match("MultiTask.g.cs", result.Sources.Single(s => s.HintName == "Demo.Models.AllTasks.g.cs").SourceText.ToString());
    }
}
