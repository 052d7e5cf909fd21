using ResTuning.Backbones;

namespace ResTuning.Benchmarks;

// The generated side of `generated_vs_handwritten`: the same tuners as the hand-written methods, declared with the DSL.
// Widths are compile-time constants, so there is one class per ViT preset (tiny 192, small 384, base 768).

/// <summary>Res-Adapters (dim 64) beside every MLP of a ViT-Ti.</summary>
[ResTuning<VisionTransformer>(Features = 192)]
[ResAdapter("blocks.*.mlp", Dim = 64)]
[Trainable("head")]
public partial class VitAdapters192;

/// <summary>Res-Adapters (dim 64) beside every MLP of a ViT-S.</summary>
[ResTuning<VisionTransformer>(Features = 384)]
[ResAdapter("blocks.*.mlp", Dim = 64)]
[Trainable("head")]
public partial class VitAdapters384;

/// <summary>Res-Adapters (dim 64) beside every MLP of a ViT-B.</summary>
[ResTuning<VisionTransformer>(Features = 768)]
[ResAdapter("blocks.*.mlp", Dim = 64)]
[Trainable("head")]
public partial class VitAdapters768;

/// <summary>Adapter bypass (dim 64, lateral + vertical) over every block of a ViT-Ti; the head is passed in.</summary>
[ResTuningBypass<VisionTransformer>(Features = 192)]
[BypassTaps(Taps = "blocks.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 64), Vertical(BypassTunerKind.Adapter, Dim = 64)]
public partial class VitBypass192;

/// <summary>Adapter bypass (dim 64, lateral + vertical) over every block of a ViT-S; the head is passed in.</summary>
[ResTuningBypass<VisionTransformer>(Features = 384)]
[BypassTaps(Taps = "blocks.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 64), Vertical(BypassTunerKind.Adapter, Dim = 64)]
public partial class VitBypass384;

/// <summary>Adapter bypass (dim 64, lateral + vertical) over every block of a ViT-B; the head is passed in.</summary>
[ResTuningBypass<VisionTransformer>(Features = 768)]
[BypassTaps(Taps = "blocks.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 64), Vertical(BypassTunerKind.Adapter, Dim = 64)]
public partial class VitBypass768;
