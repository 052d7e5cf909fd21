using static TorchSharp.torch;

namespace ResTuning.Samples.Data;

/// <summary>Synthetic images <c>[N, 3, S, S]</c> with the attributes that drew them (see <see cref="SyntheticShapes.Scenes"/>).</summary>
/// <param name="Images">The images.</param>
/// <param name="Shape">Shape index <c>[N]</c>: 0 circle, 1 square, 2 triangle, 3 cross.</param>
/// <param name="Outline">Outlined rather than solid <c>[N]</c>.</param>
/// <param name="Radius">Size as a fraction of the image side <c>[N]</c>.</param>
/// <param name="CentreX">Horizontal centre in [0, 1] <c>[N]</c>.</param>
/// <param name="CentreY">Vertical centre in [0, 1] <c>[N]</c>.</param>
public sealed record ShapeScenes(Tensor Images, Tensor Shape, Tensor Outline, Tensor Radius, Tensor CentreX, Tensor CentreY);
