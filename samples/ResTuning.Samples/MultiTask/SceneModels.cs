using ResTuning.Backbones;
using ResTuning.Samples.Classification;

namespace ResTuning.Samples.MultiTask;

// The multi-task sample's models, built by the DSL's generator: one Res-Tuning-Bypass per task over the same frozen
// ViT taps, and a group that runs the backbone once for all of them (ForwardAll). Residual laterals (x_l + R(x_l))
// start each head as a probe on the backbone's last block; the adapters learn the task-specific correction.
// C# attributes cannot be shared or inherited by another class (and the generator reads each model's own), so every
// task names its taps and tuners; what they have in common is stated once, in TaskBypass. Only the head differs.

/// <summary>Which shape (circle, square, triangle, cross).</summary>
[ResTuningBypass<VisionTransformer>(Classes = 4, Features = SampleVit.Width), BypassTaps(Taps = TaskBypass.Taps)]
[Lateral(BypassTunerKind.Adapter, Dim = TaskBypass.Dim, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = TaskBypass.Dim)]
public partial class ShapeBypass;

/// <summary>Solid or outlined.</summary>
[ResTuningBypass<VisionTransformer>(Classes = 2, Features = SampleVit.Width), BypassTaps(Taps = TaskBypass.Taps)]
[Lateral(BypassTunerKind.Adapter, Dim = TaskBypass.Dim, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = TaskBypass.Dim)]
public partial class FillBypass;

/// <summary>Small or large.</summary>
[ResTuningBypass<VisionTransformer>(Classes = 2, Features = SampleVit.Width), BypassTaps(Taps = TaskBypass.Taps)]
[Lateral(BypassTunerKind.Adapter, Dim = TaskBypass.Dim, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = TaskBypass.Dim)]
public partial class SizeBypass;

/// <summary>Which quadrant holds the shape's centre.</summary>
[ResTuningBypass<VisionTransformer>(Classes = 4, Features = SampleVit.Width), BypassTaps(Taps = TaskBypass.Taps)]
[Lateral(BypassTunerKind.Adapter, Dim = TaskBypass.Dim, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = TaskBypass.Dim)]
public partial class QuadrantBypass;

/// <summary>All four tasks on one backbone pass, in <see cref="SceneTasks.All"/> order.</summary>
[ResTuningMultiTask<VisionTransformer>(typeof(ShapeBypass), typeof(FillBypass), typeof(SizeBypass), typeof(QuadrantBypass))]
public partial class SceneModels;
