using ResTuning.Backbones;

namespace ResTuning.Samples.Classification;

/// <summary>
/// Res-Tuning-Bypass over the sample ViT, built by the DSL's generator: the backbone (head included) is frozen and runs
/// without autograd; a side chain of Res-Adapters (bottleneck 16) reads its detached block outputs. Residual laterals
/// (x_l + R(x_l)) start the head as a probe on the last block; the adapters learn the task's correction.
/// The class-token head is passed to the constructor, since the class count is chosen at run time.
/// </summary>
[ResTuningBypass<VisionTransformer>(Features = SampleVit.Width)]
[BypassTaps(Taps = "blocks.*")]
[Lateral(BypassTunerKind.Adapter, Dim = 16, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 16)]
public partial class VitBypass;
