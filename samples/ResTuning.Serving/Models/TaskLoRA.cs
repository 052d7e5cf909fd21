using ResTuning.Backbones;

namespace ResTuning.Serving.Models;

/// <summary>
/// A parallel-tuned task: the main job's LoRA (r = 8, α = 16) beside every convolution of the ResNet-18's residual blocks
/// (both 3×3 convolutions and the downsampling shortcuts' 1×1 convolutions), plus its head <c>fc</c> (the same attributes
/// as <c>ResNetLoRA</c> in the classification sample, so its checkpoints load here; one written before the shortcuts were
/// added lacks their tensors and is refused by name). It changes the backbone, so it is served on its own copy of it: its
/// own pass.
/// </summary>
[ResTuning<ResNet>]
[LoRA("layer1.*.conv1", Rank = 8, Alpha = 16), LoRA("layer2.*.conv1", Rank = 8, Alpha = 16), LoRA("layer3.*.conv1", Rank = 8, Alpha = 16), LoRA("layer4.*.conv1", Rank = 8, Alpha = 16)]
[LoRA("layer1.*.conv2", Rank = 8, Alpha = 16), LoRA("layer2.*.conv2", Rank = 8, Alpha = 16), LoRA("layer3.*.conv2", Rank = 8, Alpha = 16), LoRA("layer4.*.conv2", Rank = 8, Alpha = 16)]
[LoRA("layer2.0.downsample.0", Rank = 8, Alpha = 16), LoRA("layer3.0.downsample.0", Rank = 8, Alpha = 16), LoRA("layer4.0.downsample.0", Rank = 8, Alpha = 16)]
[Trainable("fc")]
public partial class TaskLoRA;
