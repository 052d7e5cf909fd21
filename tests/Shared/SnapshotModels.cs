using System.Collections.Generic;
using System.Linq;

namespace ResTuning.TestSupport;

/// <summary>
/// The models whose generated source the generator's snapshot tests pin (<c>SnapshotTests</c>, files under
/// <c>__snapshots__</c>). The analyzer tests check that none of them raises a diagnostic.
/// </summary>
internal static class SnapshotModels
{
    /// <summary>Attribute blocks of <c>Demo.Models.Tuned</c> (wrapped by <see cref="Sources.Model"/>), by snapshot name.</summary>
    public static readonly IReadOnlyList<(string Name, string Attributes)> Configurations = new (string, string)[]
    {
        ("AdapterWildcardConstCount", """
            [ResTuning<Demo.TinyVit>(Features = 16)]
            [ResAdapter("blocks.*.mlp", Dim = 8)]
            """),
        ("LoRARangeMergeable", """
            [ResTuning<Demo.TinyVit>]
            [LoRA("blocks.0..2.attn.qkv", Rank = 4, Alpha = 8, Dropout = 0.1)]
            """),
        ("PrefixLambda", """
            [ResTuning<Demo.TinyVit>]
            [ResPrefix("blocks.*.attn", Length = 5, Scale = TunerScaleKind.Lambda)]
            """),
        ("PromptSingleIndex", """
            [ResTuning<Demo.TinyVit>]
            [ResPrompt("blocks.3.attn", Length = 4, InitRange = 0.1)]
            """),
        ("SeveralTunersOneTapTrainableHead", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("blocks.*.attn", Dim = 4, Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.0)]
            [ResPrefix("blocks.*.attn", Length = 2)]
            [ResAdapter("blocks.*.attn", Dim = 2, Activation = AdapterActivationKind.Relu, Name = "relu_adapter")]
            [Trainable("head")]
            """),
        ("RuntimeCountAndRangeCheck", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("extra.*.mlp", In = 16, Scale = TunerScaleKind.LearnedPerChannel)]
            [LoRA("extra.0..1.mlp.fc1", Rank = 2)]
            """),
        ("PrivateSequentialAndComponentName", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("stem.0", In = 16, Dim = 4, ZeroInit = false)]
            [Trainable("norm")]
            [Trainable("blocks.*.mlp.fc2")]
            """),
        ("SequentialWildcardAndModuleDict", """
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("neck.*", In = 16, Dim = 4)]
            [ResAdapter("neck.0..1", In = 16, Dim = 2, Name = "narrow")]
            [LoRA("task_heads.cls", Rank = 2)]
            """),
        ("Checkpoints", """
            [ResTuning<Demo.TinyVit>]
            [LoRA("blocks.*.mlp.fc1")]
            [Trainable("head")]
            """),
        ("CustomTunerOnMlpAndLinear", """
            [ResTuning<Demo.TinyVit>(Features = 16)]
            [CustomTuner<Demo.ScaledBias>("blocks.*.mlp", Scale = TunerScaleKind.LearnedScalar)]
            [CustomTuner<Demo.ScaledBias>("head")]
            """),
        ("ChannelAdaptersOnResNetBlocksAndConvs", """
            [ResTuning<ResTuning.Backbones.ResNet>]
            [ChannelAdapter("layer2.*", Dim = 8, Scale = TunerScaleKind.LearnedScalar)]
            [ChannelAdapter("conv1", Dim = 4, Activation = AdapterActivationKind.Relu, Name = "stem")]
            [ChannelAdapter("layer1.0.bn1", Dim = 2, In = 64, Dropout = 0.1)]
            """),
        ("BypassAdaptersHeadPrivateStart", """
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Start = "stem", Taps = "blocks.*")]
            [Lateral(BypassTunerKind.Adapter, Dim = 8), Vertical(BypassTunerKind.Adapter, Dim = 8)]
            """),
        ("BypassReentryLoRALearnedLambda", """
            [ResTuningBypass<Demo.TinyVit>(Features = 16, Lambda = 0.3, LearnLambda = true)]
            [BypassTaps(Taps = "blocks.0..2, extra.0", Output = "norm")]
            [Lateral(BypassTunerKind.LoRA, Rank = 2, Alpha = 4), Vertical(BypassTunerKind.Identity)]
            """),
        ("BypassWidthsUpsampleFixedLambda", """
            [ResTuningBypass<Demo.TinyVit>(Widths = new[] { 16, 16, 16 }, Classes = 2, Lambda = 0.5)]
            [BypassTaps(Taps = "blocks.1, blocks.3", Upsample = true)]
            [Lateral(BypassTunerKind.Adapter, Dim = 4, Residual = true, Dropout = 0.1)]
            """),
    };

    /// <summary>A model nested in a static class of the global namespace (snapshot <c>NestedGlobalNamespace</c>).</summary>
    public const string NestedGlobalNamespace = """
        using ResTuning;

        public static partial class Outer
        {
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("blocks.0.mlp", In = 16)]
            public partial class Inner;
        }
        """;

    /// <summary>Two task bypasses and their <c>[ResTuningMultiTask]</c> group (snapshot <c>MultiTask</c>).</summary>
    public const string MultiTask = """
        using ResTuning;

        namespace Demo.Models;

        [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
        [BypassTaps(Start = "stem", Taps = "blocks.*")]
        public partial class Shapes;

        [ResTuningBypass<Demo.TinyVit>(Classes = 3, Features = 16)]
        [BypassTaps(Start = "stem", Taps = "blocks.*")]
        [Lateral(BypassTunerKind.LoRA, Rank = 4)]
        public partial class Colors;

        [ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes), typeof(Colors))]
        public partial class AllTasks;
        """;

    /// <summary>Every model above as a complete source.</summary>
    public static IReadOnlyList<string> All =>
        Configurations.Select(c => Sources.Model(c.Attributes)).Append(NestedGlobalNamespace).Append(MultiTask).ToList();
}
