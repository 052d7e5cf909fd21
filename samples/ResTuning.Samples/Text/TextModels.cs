using ResTuning.Backbones;

namespace ResTuning.Samples.Text;

// The text sample's DSL models over all-MiniLM-L6-v2 (the runtime's BertModel with Hugging Face's names), completed by the
// DSL's source generator. The classifier is the backbone's new head (BertConfig.NumClasses).

/// <summary>LoRA (r = 8, α = 16) beside every query and value projection, plus the new classifier.</summary>
[ResTuning<BertModel>]
[LoRA("encoder.layer.*.attention.self.query", Rank = 8, Alpha = 16)]
[LoRA("encoder.layer.*.attention.self.value", Rank = 8, Alpha = 16)]
[Trainable("classifier")]
public partial class MiniLMLoRA;

/// <summary>
/// Res-Tuning: a Res-Prefix (8 learned keys and values) beside every self-attention and a Res-Adapter (bottleneck 32) beside
/// every feed-forward block, both zero-initialised where they add to the backbone (so the tuned model starts as the
/// pretrained one), plus the new classifier.
/// </summary>
[ResTuning<BertModel>]
[ResPrefix("encoder.layer.*.attention.self", Length = 8)]
[ResAdapter("encoder.layer.*.ffn", Dim = 32, In = TextBackbone.Width)]
[Trainable("classifier")]
public partial class MiniLMResTuning;

/// <summary>
/// Res-Tuning-Bypass over the six layers: the encoder runs without autograd; a side chain of Res-Adapters (bottleneck 32)
/// starts at the embeddings (x_0) and reads every layer's output (x_1..x_6). Residual laterals (x_l + R(x_l)) and
/// zero-initialised verticals start b_6 as the last layer's states, so with the masked mean head
/// (<see cref="MaskedMeanHead"/>, passed to the constructor) the bypass starts as the linear probe on mean-pooled features.
/// </summary>
[ResTuningBypass<BertModel>(Features = TextBackbone.Width)]
[BypassTaps(Start = "embeddings", Taps = "encoder.layer.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 32, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 32)]
public partial class MiniLMBypass;
