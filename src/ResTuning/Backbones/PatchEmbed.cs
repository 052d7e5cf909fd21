namespace ResTuning.Backbones;

/// <summary>
/// Splits an image into non-overlapping patches and projects each to a token:
/// a strided convolution <c>proj</c> (timm name), then <c>[B, D, h, w] → [B, h·w, D]</c>.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly VitConfig config;
    private readonly Conv2d proj;

    /// <summary>Creates the patch embedding for <paramref name="config"/>.</summary>
    /// <param name="config">The ViT shape.</param>
    /// <param name="name">Module name.</param>
    public PatchEmbed(VitConfig config, string name = "patch_embed") : base(name)
    {
        this.config = config;
        proj = nn.Conv2d(config.InChannels, config.EmbedDim, config.PatchSize, stride: config.PatchSize);
        register_module("proj", proj);
    }

    /// <summary>The patch projection (a convolution with kernel and stride equal to the patch size).</summary>
    public Conv2d Proj => proj;

    /// <summary>Maps <c>[B, C, H, W]</c> images to <c>[B, N, D]</c> patch tokens.</summary>
    public override Tensor forward(Tensor images)
    {
        var c = config;
        if (images.dim() != 4 || images.shape[1] != c.InChannels || images.shape[2] != c.ImageSize || images.shape[3] != c.ImageSize)
            throw new TunerShapeException(GetName(), "input", new long[] { -1, c.InChannels, c.ImageSize, c.ImageSize }, images.shape,
                "Feed images of the configured size and channel count (VitConfig.ImageSize, InChannels).");
        return Proj.call(images).flatten(2).transpose(1, 2);
    }
}
