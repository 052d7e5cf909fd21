using ResTuning.Backbones;

namespace ResTuning.Generators.Tests.Numeric;

// DSL models over the runtime's BERT encoder (loaded with the pretrained MiniLM weights by BertDslTests); completed by the
// generator running on this test project. The classifier is the backbone's new head.

/// <summary>A Res-Adapter beside every feed-forward operator, the classifier trainable.</summary>
[ResTuning<BertModel>]
[ResAdapter("encoder.layer.*.ffn", Dim = 8, In = 384, ZeroInit = false)]
[Trainable("classifier")]
public partial class BertAdapterTuned;

/// <summary>A Res-Prefix beside every self-attention, constant scale.</summary>
[ResTuning<BertModel>]
[ResPrefix("encoder.layer.*.attention.self", Length = 4, ZeroInit = false)]
public partial class BertPrefixTuned;

/// <summary>The exact λ form of prefix tuning on every self-attention.</summary>
[ResTuning<BertModel>]
[ResPrefix("encoder.layer.*.attention.self", Length = 4, ZeroInit = false, Scale = TunerScaleKind.Lambda)]
public partial class BertPrefixLambda;

/// <summary>A Res-Prompt beside every self-attention with a learned scale.</summary>
[ResTuning<BertModel>]
[ResPrompt("encoder.layer.*.attention.self", Length = 3, Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.5)]
public partial class BertPromptTuned;

/// <summary>The exact λ form of prompt tuning (VPT-deep) on every self-attention.</summary>
[ResTuning<BertModel>]
[ResPrompt("encoder.layer.*.attention.self", Length = 3, Scale = TunerScaleKind.Lambda)]
public partial class BertPromptLambda;

/// <summary>LoRA on every query and value projection, the classifier trainable.</summary>
[ResTuning<BertModel>]
[LoRA("encoder.layer.*.attention.self.query", Rank = 4, Alpha = 8, ZeroInit = false)]
[LoRA("encoder.layer.*.attention.self.value", Rank = 4, Alpha = 8, ZeroInit = false)]
[Trainable("classifier")]
public partial class BertLoRATuned;

/// <summary>Res-Tuning-Bypass over the six layers: x_0 the embeddings, adapters lateral and vertical, a [CLS] head.</summary>
[ResTuningBypass<BertModel>(Classes = 3, Features = 384)]
[BypassTaps(Start = "embeddings", Taps = "encoder.layer.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 8), Vertical(BypassTunerKind.Adapter, Dim = 8)]
public partial class BertBypass;

/// <summary>A second task on the same taps: LoRA laterals, identity verticals, two classes.</summary>
[ResTuningBypass<BertModel>(Classes = 2, Features = 384)]
[BypassTaps(Start = "embeddings", Taps = "encoder.layer.*")]
[Lateral(BypassTunerKind.LoRA, Rank = 2), Vertical(BypassTunerKind.Identity)]
public partial class BertBypassTwo;

/// <summary>Both tasks on one pass of the encoder.</summary>
[ResTuningMultiTask<BertModel>(typeof(BertBypass), typeof(BertBypassTwo))]
public partial class BertTasks;
