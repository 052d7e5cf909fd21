using ResTuning.Backbones;

namespace ResTuning.Samples.Classification;

/// <summary>The small ViTs of the samples: sized to pretrain and tune in minutes on two CPU cores.</summary>
public static class SampleVit
{
    /// <summary>Token width of the sample ViTs (the DSL models' <c>Features</c>).</summary>
    public const int Width = 64;

    /// <summary>Patch side of the Fashion-MNIST ViT: 28 px images give a 4×4 grid of 7-px patches.</summary>
    public const int FashionPatchSize = 7;

    /// <summary>Patch side of the synthetic-scene ViT (multitask sample).</summary>
    public const int ScenePatchSize = 4;

    /// <summary>The classification sample's ViT for Fashion-MNIST: 28 px grayscale, 7-px patches, width 64, depth 6, 4 heads, MLP 128.</summary>
    public static VitConfig ForFashionMnist(int classes) =>
        new(ImageSize: global::ResTuning.Data.FashionMnist.ImageSize, PatchSize: FashionPatchSize, InChannels: 1, EmbedDim: Width, Depth: 6, NumHeads: 4, MlpDim: 128, NumClasses: classes);

    /// <summary>The multitask sample's ViT for synthetic RGB scenes: 4-px patches, width 64, depth 6, 4 heads, MLP 128.</summary>
    public static VitConfig ForScenes(int imageSize, int classes) =>
        new(ImageSize: imageSize, PatchSize: ScenePatchSize, InChannels: 3, EmbedDim: Width, Depth: 6, NumHeads: 4, MlpDim: 128, NumClasses: classes);
}
