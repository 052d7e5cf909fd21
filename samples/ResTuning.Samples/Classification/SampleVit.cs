using ResTuning.Backbones;

namespace ResTuning.Samples.Classification;

/// <summary>The small ViT of the sample: sized to pretrain and tune in minutes on two CPU cores.</summary>
public static class SampleVit
{
    /// <summary>Token width of the sample ViT.</summary>
    public const int Width = 96;

    /// <summary>Patch side of the sample ViT in pixels.</summary>
    public const int PatchSize = 4;

    /// <summary>ViT with 4-px patches, width 96, depth 6, 3 heads, MLP 384.</summary>
    public static VitConfig Config(int imageSize, int classes) =>
        new(ImageSize: imageSize, PatchSize: PatchSize, InChannels: 3, EmbedDim: Width, Depth: 6, NumHeads: 3, MlpDim: 384, NumClasses: classes);
}
