using ResTuning.Backbones;

namespace ResTuning.Serving.Models;

/// <summary>
/// One served task: the main job's Res-Tuning-Bypass over the ResNet-18's stem and stage ends (the same attributes as
/// <c>ResNetBypass</c> in the classification sample, so its checkpoints load here), built by the DSL's generator. Every task
/// is built on the server's one <see cref="ResTuning.Bypass.HookTapSource"/>, so a group of them runs the backbone once.
/// The head (<see cref="ResTuning.Bypass.PooledHead"/>, the task's class count) is passed to the constructor.
/// </summary>
[ResTuningBypass<ResNet>(Widths = new[] { 64, 64, 128, 256, 512 })]
[BypassTaps(Start = "maxpool", Taps = "layer1.1, layer2.1, layer3.1, layer4.2", Downsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 32, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 32, Residual = true)]
public partial class TaskBypass;
