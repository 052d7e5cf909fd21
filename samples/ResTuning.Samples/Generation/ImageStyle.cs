using ResTuning.Samples.Data;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>The two synthetic image styles of the generative sample.</summary>
public enum ImageStyle
{
    /// <summary>Solid shapes in warm colours (pretraining).</summary>
    Source,

    /// <summary>Outlined shapes in cool colours (adaptation).</summary>
    Target,
}

/// <summary>Training data of each <see cref="ImageStyle"/>, scaled for the diffusion model.</summary>
public static class ImageStyles
{
    /// <summary>The factor between <see cref="SyntheticShapes"/> pixels (about −0.3…0.8) and model space (about −0.6…1.5).</summary>
    public const double Scale = 2.0;

    /// <summary><paramref name="count"/> images <c>[N, 3, S, S]</c> of <paramref name="style"/> in model space.</summary>
    public static Tensor Images(this ImageStyle style, int count, int imageSize, int seed) =>
        SyntheticShapes.Styled(count, imageSize, seed, warm: style == ImageStyle.Source, outlined: style == ImageStyle.Target) * Scale;

    /// <summary>Model space to display colours in [0, 1] (the inverse of the data scaling and centring).</summary>
    public static Tensor ToDisplay(Tensor images) => (images / Scale + 0.25).clamp(0, 1);
}
