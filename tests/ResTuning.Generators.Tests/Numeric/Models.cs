namespace ResTuning.Generators.Tests.Numeric;

// These classes are completed by the ResTuning generator running on this test project.

/// <summary>Adapters on every MLP (learned scale), LoRA on every fc1, a prefix on block 1, the head kept trainable.</summary>
[ResTuning<NumBackbone>]
[ResAdapter("blocks.*.mlp", Dim = 4, In = NumBackbone.Width, ZeroInit = false, Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.5)]
[LoRA("blocks.*.mlp.fc1", Rank = 2, Alpha = 4, ZeroInit = false)]
[ResPrefix("blocks.1.attn", Length = 3, ZeroInit = false)]
[Trainable("head")]
public partial class NumTuned;

/// <summary>The exact λ-weighted Res-Prompt on block 0.</summary>
[ResTuning<NumBackbone>]
[ResPrompt("blocks.0.attn", Length = 3, Scale = TunerScaleKind.Lambda)]
public partial class NumLambda;

/// <summary>Zero-initialised tuners only; widths known, so the trainable count is a constant.</summary>
[ResTuning<NumBackbone>]
[ResAdapter("blocks.*.mlp", Dim = 4, In = NumBackbone.Width)]
public partial class NumZero;

/// <summary>Tuners on a module its backbone calls with forward(): the first forward must fail loudly.</summary>
[ResTuning<NumForwardCaller>]
[ResAdapter("mlp", In = NumBackbone.Width)]
public partial class NumSilent;

/// <summary>An adapter on a private backbone field (reached through ModuleNavigation, not reflection).</summary>
[ResTuning<NumPrivate>]
[ResAdapter("mlp", In = NumBackbone.Width, Dim = 3, ZeroInit = false)]
public partial class NumPrivateTuned;

/// <summary>Adapters on every element of a Sequential.</summary>
[ResTuning<NumSequential>]
[ResAdapter("layers.*", In = NumBackbone.Width, Dim = 2, ZeroInit = false)]
public partial class NumSequentialTuned;

/// <summary>Adapter bypass over both blocks with a class-token head (x_0 = the input of block 0).</summary>
[ResTuningBypass<NumBackbone>(Classes = 4, Features = NumBackbone.Width)]
[BypassTaps(Taps = "blocks.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 3), Vertical(BypassTunerKind.Adapter, Dim = 2)]
public partial class NumBypass;

/// <summary>The paper's λ form with LoRA laterals, re-entering at the final norm.</summary>
[ResTuningBypass<NumNormed>(Features = NumBackbone.Width, Lambda = 0.25, LearnLambda = true)]
[BypassTaps(Taps = "blocks.*", Output = "norm")]
[Lateral(BypassTunerKind.LoRA, Rank = 2), Vertical(BypassTunerKind.Adapter, Dim = 2)]
public partial class NumReentry;

/// <summary>
/// A second task on the same taps as <see cref="NumBypass"/>, spelled otherwise: <c>blocks</c> has <c>[ModuleCount(2)]</c>, so
/// these are the modules <c>blocks.*</c> selects (RT0036 compares the modules, not the spelling).
/// </summary>
[ResTuningBypass<NumBackbone>(Classes = 2, Features = NumBackbone.Width)]
[BypassTaps(Taps = "blocks.0, blocks.1..2")]
[Lateral(BypassTunerKind.LoRA, Rank = 2), Vertical(BypassTunerKind.Identity)]
public partial class NumBypassColors;

/// <summary>Both tasks on one backbone pass.</summary>
[ResTuningMultiTask<NumBackbone>(typeof(NumBypass), typeof(NumBypassColors))]
public partial class NumTasks;

/// <summary>Default tuners (residual adapter laterals, since it re-enters) and the plain sum: starts as the backbone.</summary>
[ResTuningBypass<NumNormed>(Features = NumBackbone.Width)]
[BypassTaps(Taps = "blocks.*", Output = "norm")]
public partial class NumReentrySum;

/// <summary>A custom tuner (see <see cref="NumGate"/>) beside every MLP.</summary>
[ResTuning<NumBackbone>(Features = NumBackbone.Width)]
[CustomTuner<NumGate>("blocks.*.mlp")]
public partial class NumCustom;

/// <summary>A decoder bypass on a two-input denoiser: widths per tap, upsample steps, per-pixel adapters, re-entry at the output conv.</summary>
[ResTuningBypass<NumDenoiser>(Widths = new[] { 8, 8, 4 })]
[BypassTaps(Start = "stem", Taps = "up0, up1", Output = "output", Upsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 3), Vertical(BypassTunerKind.Adapter, Dim = 2, Residual = true)]
public partial class NumDenoiserBypass;

/// <summary>LoRA on both MLP linears, two adapters on one MLP (the second named): the checkpoint-name tests' model.</summary>
[ResTuning<NumBackbone>]
[LoRA("blocks.*.mlp.fc1", Rank = 2, ZeroInit = false)]
[LoRA("blocks.*.mlp.fc2", Rank = 2, ZeroInit = false)]
[ResAdapter("blocks.0.mlp", Dim = 2, In = NumBackbone.Width, ZeroInit = false)]
[ResAdapter("blocks.0.mlp", Dim = 3, In = NumBackbone.Width, ZeroInit = false, Name = "wide")]
public partial class NumNamed;

/// <summary><see cref="NumNamed"/>'s tuners with the attributes in another order.</summary>
[ResTuning<NumBackbone>]
[ResAdapter("blocks.0.mlp", Dim = 3, In = NumBackbone.Width, ZeroInit = false, Name = "wide")]
[LoRA("blocks.*.mlp.fc2", Rank = 2, ZeroInit = false)]
[ResAdapter("blocks.0.mlp", Dim = 2, In = NumBackbone.Width, ZeroInit = false)]
[LoRA("blocks.*.mlp.fc1", Rank = 2, ZeroInit = false)]
public partial class NumNamedReordered;

/// <summary><see cref="NumNamed"/> with a LoRA on another module declared first.</summary>
[ResTuning<NumBackbone>]
[LoRA("blocks.1.attn.qkv", Rank = 2, ZeroInit = false)]
[LoRA("blocks.*.mlp.fc1", Rank = 2, ZeroInit = false)]
[LoRA("blocks.*.mlp.fc2", Rank = 2, ZeroInit = false)]
[ResAdapter("blocks.0.mlp", Dim = 2, In = NumBackbone.Width, ZeroInit = false)]
[ResAdapter("blocks.0.mlp", Dim = 3, In = NumBackbone.Width, ZeroInit = false, Name = "wide")]
public partial class NumNamedPlus;

/// <summary>LoRA only, with a learned scale: everything merges into the weights.</summary>
[ResTuning<NumBackbone>]
[LoRA("blocks.*.mlp.fc1", Rank = 2, ZeroInit = false, Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.5)]
[LoRA("blocks.*.mlp.fc2", Rank = 2, ZeroInit = false)]
public partial class NumLoRAOnly;

/// <summary>Two LoRAs and the head kept trainable: mergeable for good, with a trained head to carry over (issue 26).</summary>
[ResTuning<NumBackbone>]
[LoRA("blocks.*.mlp.fc1", Rank = 2, ZeroInit = false)]
[LoRA("blocks.*.mlp.fc2", Rank = 2, ZeroInit = false)]
[Trainable("head")]
public partial class NumLoRATrainable;

/// <summary>Over a backbone that registered nothing: construction must fail loudly.</summary>
[ResTuning<NumUnregistered>]
[ResAdapter("mlp", In = NumBackbone.Width)]
public partial class NumUnregisteredTuned;

/// <summary>The bypass over the same backbone.</summary>
[ResTuningBypass<NumUnregistered>(Classes = 2, Features = NumBackbone.Width)]
[BypassTaps(Taps = "mlp")]
public partial class NumUnregisteredBypass;

/// <summary>Block 1 of a list counted at run time: in bounds, so it builds and runs.</summary>
[ResTuning<NumUncounted>]
[ResAdapter("blocks.1.mlp", In = NumBackbone.Width)]
public partial class NumIndexInBounds;

/// <summary>Block 5 of a list that has 2 at run time: construction fails naming the tap.</summary>
[ResTuning<NumUncounted>]
[ResAdapter("blocks.5.mlp", In = NumBackbone.Width)]
public partial class NumIndexPastEnd;

/// <summary>Blocks 1..4 of a list that has 2 at run time.</summary>
[ResTuning<NumUncounted>]
[ResAdapter("blocks.1..4.mlp", In = NumBackbone.Width)]
public partial class NumRangePastEnd;

/// <summary>Element 7 of a Sequential of 3 (a Sequential's length is always counted at run time).</summary>
[ResTuning<NumSequential>]
[ResAdapter("layers.7", In = NumBackbone.Width)]
public partial class NumSequentialPastEnd;

/// <summary>Adapters built for twice the MLPs' width: the first forward fails naming the tap.</summary>
[ResTuning<NumBackbone>]
[ResAdapter("blocks.*.mlp", In = NumBackbone.Width * 2, Out = NumBackbone.Width)]
public partial class NumWrongWidth;

/// <summary>
/// An encoder bypass on the runtime's ResNet-18: the stem's max pool is x_0, the end of every stage x_1..x_4; downsample
/// steps between stages, per-pixel residual adapters, and a generated pooled head.
/// </summary>
[ResTuningBypass<ResTuning.Backbones.ResNet>(Widths = new[] { 64, 64, 128, 256, 512 }, Classes = 3)]
[BypassTaps(Start = "maxpool", Taps = "layer1.1, layer2.1, layer3.1, layer4.1", Downsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 4, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 4, Residual = true)]
public partial class NumResNetBypass;

/// <summary>A second task on the ResNet-18's stage taps (other tuners, two classes), for a multi-task group.</summary>
[ResTuningBypass<ResTuning.Backbones.ResNet>(Widths = new[] { 64, 64, 128, 256, 512 }, Classes = 2)]
[BypassTaps(Start = "maxpool", Taps = "layer1.1, layer2.1, layer3.1, layer4.1", Downsample = true)]
[Lateral(BypassTunerKind.LoRA, Rank = 2, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 2, Residual = true)]
public partial class NumResNetBypassTwo;

/// <summary>Both ResNet tasks on one backbone pass.</summary>
[ResTuningMultiTask<ResTuning.Backbones.ResNet>(typeof(NumResNetBypass), typeof(NumResNetBypassTwo))]
public partial class NumResNetTasks;
