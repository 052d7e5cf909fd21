namespace ResTuning.Backbones;

/// <summary>
/// Shape of a <see cref="VisionTransformer"/>. The presets follow timm's <c>vit_tiny/small/base_patch16_224</c>;
/// change single fields with <c>with</c>, e.g. <c>VitConfig.Small with { ImageSize = 96 }</c>.
/// </summary>
/// <param name="ImageSize">Height and width of the (square) input image in pixels.</param>
/// <param name="PatchSize">Side of one square patch; must divide <paramref name="ImageSize"/>.</param>
/// <param name="InChannels">Image channels (3 for RGB).</param>
/// <param name="EmbedDim">Token width D.</param>
/// <param name="Depth">Number of transformer blocks.</param>
/// <param name="NumHeads">Attention heads; must divide <paramref name="EmbedDim"/>.</param>
/// <param name="MlpDim">Hidden width of each block's MLP.</param>
/// <param name="NumClasses">Classes of the head; 0 gives an identity head (the model returns pooled features).</param>
/// <param name="QkvBias">Whether the attention's qkv projection has a bias (timm: true).</param>
/// <param name="LayerNormEps">Epsilon of every LayerNorm (timm's ViT: 1e-6).</param>
public sealed record VitConfig(
    int ImageSize,
    int PatchSize,
    int InChannels,
    long EmbedDim,
    int Depth,
    long NumHeads,
    long MlpDim,
    long NumClasses,
    bool QkvBias = true,
    double LayerNormEps = 1e-6)
{
    /// <summary>ViT-Ti/16 at 224 px: width 192, depth 12, 3 heads, MLP 768, 1000 classes.</summary>
    public static VitConfig Tiny { get; } = new(224, 16, 3, 192, 12, 3, 768, 1000);

    /// <summary>ViT-S/16 at 224 px: width 384, depth 12, 6 heads, MLP 1536, 1000 classes.</summary>
    public static VitConfig Small { get; } = new(224, 16, 3, 384, 12, 6, 1536, 1000);

    /// <summary>ViT-B/16 at 224 px (timm <c>vit_base_patch16_224</c>): width 768, depth 12, 12 heads, MLP 3072, 1000 classes.</summary>
    public static VitConfig Base { get; } = new(224, 16, 3, 768, 12, 12, 3072, 1000);

    /// <summary>Patches along one side of the image.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Number of patch tokens (without the class token).</summary>
    public int NumPatches => GridSize * GridSize;

    /// <summary>Tokens per image including the class token.</summary>
    public int NumTokens => NumPatches + 1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field and how to fix it.</summary>
    public void Validate()
    {
        if (ImageSize <= 0) throw new ArgumentException($"ImageSize must be positive, got {ImageSize}.", nameof(ImageSize));
        if (PatchSize <= 0 || ImageSize % PatchSize != 0)
            throw new ArgumentException($"PatchSize {PatchSize} must be positive and divide ImageSize {ImageSize}; pick an image size that is a multiple of the patch size.", nameof(PatchSize));
        if (InChannels <= 0) throw new ArgumentException($"InChannels must be positive, got {InChannels}.", nameof(InChannels));
        if (EmbedDim <= 0) throw new ArgumentException($"EmbedDim must be positive, got {EmbedDim}.", nameof(EmbedDim));
        if (Depth <= 0) throw new ArgumentException($"Depth must be positive, got {Depth}.", nameof(Depth));
        if (NumHeads <= 0 || EmbedDim % NumHeads != 0)
            throw new ArgumentException($"NumHeads {NumHeads} must be positive and divide EmbedDim {EmbedDim}.", nameof(NumHeads));
        if (MlpDim <= 0) throw new ArgumentException($"MlpDim must be positive, got {MlpDim}.", nameof(MlpDim));
        if (NumClasses < 0) throw new ArgumentException($"NumClasses must be 0 (identity head) or positive, got {NumClasses}.", nameof(NumClasses));
        if (!(LayerNormEps > 0)) throw new ArgumentException($"LayerNormEps must be positive, got {LayerNormEps}.", nameof(LayerNormEps));
    }
}
