using ResTuning.Backbones;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

public sealed class VitCheckpointTests
{
    [Fact]
    public void Recovers_the_configuration_from_the_weights_and_the_head_count_from_the_metadata()
    {
        var config = new VitConfig(ImageSize: 28, PatchSize: 7, InChannels: 1, EmbedDim: 32, Depth: 3, NumHeads: 4, MlpDim: 48, NumClasses: 5);
        using var vit = new VisionTransformer(config);
        var weights = vit.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

        var inferred = VitCheckpoint.InferConfig(weights, VitCheckpoint.Metadata(config), numClasses: 5);

        Assert.Equal(config, inferred);
    }

    [Fact]
    public void Without_metadata_the_head_count_follows_timm_head_width_64()
    {
        var config = VitConfig.Tiny with { ImageSize = 32, Depth = 2, NumClasses = 0 };
        using var vit = new VisionTransformer(config);

        var inferred = VitCheckpoint.InferConfig(vit.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value), null, numClasses: 0);

        Assert.Equal(config, inferred);   // ViT-Ti: width 192, 3 heads
    }

    [Fact]
    public void A_checkpoint_that_is_not_a_vit_names_the_missing_tensor()
    {
        var error = Assert.Throws<ArgumentException>(() => VitCheckpoint.InferConfig(new Dictionary<string, Tensor> { ["fc.weight"] = zeros(2, 2) }, null, 3));
        Assert.Contains("patch_embed.proj.weight", error.Message);
    }
}
