using ResTuning.Backbones;

namespace ResTuning.Samples.Classification;

/// <summary>LoRA (r = 8, α = 16) beside every attention's qkv projection of the sample ViT, plus its head; built by the DSL's generator.</summary>
[ResTuning<VisionTransformer>]
[LoRA("blocks.*.attn.qkv", Rank = 8, Alpha = 16)]
[Trainable("head")]
public partial class VitLoRA;

/// <summary>Res-Tuning: a Res-Adapter (bottleneck 16) beside every MLP of the sample ViT, plus its head; built by the DSL's generator.</summary>
[ResTuning<VisionTransformer>(Features = SampleVit.Width)]
[ResAdapter("blocks.*.mlp", Dim = 16)]
[Trainable("head")]
public partial class VitResTuning;
