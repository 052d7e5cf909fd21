using ResTuning.Backbones;

namespace ResTuning.Samples.Classification.ImageNet;

/// <summary>
/// LoRA (r = 8, α = 16) beside every convolution of the ImageNet ResNet-18's residual blocks — both 3×3 convolutions and
/// the 1×1 convolution of each downsampling shortcut (PEFT's conv LoRA; mergeable into the convolutions after training) —
/// plus its new head <c>fc</c>; built by the DSL's generator. The shortcuts (a <c>Sequential</c>'s first element) were
/// chosen on validation in the full protocol (86.0 % against 83.3 % without them); their kind is checked at construction (RT0042).
/// </summary>
[ResTuning<ResNet>]
[LoRA("layer1.*.conv1", Rank = 8, Alpha = 16), LoRA("layer2.*.conv1", Rank = 8, Alpha = 16), LoRA("layer3.*.conv1", Rank = 8, Alpha = 16), LoRA("layer4.*.conv1", Rank = 8, Alpha = 16)]
[LoRA("layer1.*.conv2", Rank = 8, Alpha = 16), LoRA("layer2.*.conv2", Rank = 8, Alpha = 16), LoRA("layer3.*.conv2", Rank = 8, Alpha = 16), LoRA("layer4.*.conv2", Rank = 8, Alpha = 16)]
[LoRA("layer2.0.downsample.0", Rank = 8, Alpha = 16), LoRA("layer3.0.downsample.0", Rank = 8, Alpha = 16), LoRA("layer4.0.downsample.0", Rank = 8, Alpha = 16)]
[Trainable("fc")]
public partial class ResNetLoRA;

/// <summary>
/// Res-Tuning: a channel adapter (the Res-Adapter's 1×1-convolution form, bottleneck 32, as the paper's U-Net uses) beside
/// every residual block of the ImageNet ResNet-18, reading the block's input and added to its output (with the block's
/// stride and widening where it downsamples), plus the new head <c>fc</c>; built by the DSL's generator.
/// </summary>
[ResTuning<ResNet>]
[ChannelAdapter("layer1.*", Dim = 32), ChannelAdapter("layer2.*", Dim = 32), ChannelAdapter("layer3.*", Dim = 32), ChannelAdapter("layer4.*", Dim = 32)]
[Trainable("fc")]
public partial class ResNetResTuning;

/// <summary>
/// Res-Tuning-Bypass over the ImageNet ResNet-18, built by the DSL's generator: the backbone is frozen (batch norm on its
/// ImageNet statistics) and runs without autograd; a side chain reads the stem (<c>maxpool</c>, x_0) and the end of each
/// stage (x_1..x_4), moving its state down the stages with a downsample step (average pooling, zero-initialised 1×1
/// convolution where the width grows). Laterals and verticals are residual per-pixel Res-Adapters (bottleneck 32), so the
/// bypass starts as a probe on the last stage. The pooled head is passed to the constructor (the class count is chosen at run time).
/// </summary>
[ResTuningBypass<ResNet>(Widths = new[] { 64, 64, 128, 256, 512 })]
[BypassTaps(Start = "maxpool", Taps = "layer1.1, layer2.1, layer3.1, layer4.2", Downsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 32, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 32, Residual = true)]
public partial class ResNetBypass;
