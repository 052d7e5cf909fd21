using ResTuning.Backbones;

namespace ResTuning.Serving.Models;

/// <summary>
/// A parallel-tuned task: the main job's Res-Tuning (a channel adapter, bottleneck 32, beside every residual block of the
/// ResNet-18) plus its head <c>fc</c> (the same attributes as <c>ResNetResTuning</c> in the classification sample, so its
/// checkpoints load here). It changes the backbone, so it is served on its own copy of it: its own pass.
/// </summary>
[ResTuning<ResNet>]
[ChannelAdapter("layer1.*", Dim = 32), ChannelAdapter("layer2.*", Dim = 32), ChannelAdapter("layer3.*", Dim = 32), ChannelAdapter("layer4.*", Dim = 32)]
[Trainable("fc")]
public partial class TaskResTuning;
