using System.IO;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

/// <summary>A ViT loads from a timm-named .safetensors file; a mismatched file is refused with every problem listed.</summary>
public sealed class VitSafeTensorsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("restuning-vit-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static VitConfig Tiny(long classes = 5) => new(ImageSize: 16, PatchSize: 8, InChannels: 3, EmbedDim: 16, Depth: 2, NumHeads: 2, MlpDim: 32, NumClasses: classes);

    [Fact]
    public void Loads_a_safetensors_checkpoint_and_reproduces_outputs()
    {
        using var _ = Torch.Scope(seed: 120);
        var path = Path.Combine(folder, "vit.safetensors");
        var source = new VisionTransformer(Tiny());
        SafeTensorsFile.Write(path, source.state_dict());
        var target = new VisionTransformer(Tiny());
        StateDictLoader.Load(target, SafeTensorsFile.Read(path), path);
        source.eval();
        target.eval();
        var images = randn(2, 3, 16, 16);
        Assert.True(Torch.Same(source.call(images), target.call(images)));
    }

    [Fact]
    public void Missing_unexpected_and_misshaped_keys_are_all_listed_and_nothing_changes()
    {
        using var _ = Torch.Scope(seed: 121);
        var path = Path.Combine(folder, "bad.safetensors");
        var tensors = new VisionTransformer(Tiny(classes: 7)).state_dict()
            .Where(kv => kv.Key != "blocks.1.mlp.fc2.bias")
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors["fc_norm.weight"] = ones(16);
        SafeTensorsFile.Write(path, tensors);

        var target = new VisionTransformer(Tiny(classes: 5));
        var before = Torch.Snapshot(target);
        var error = Assert.Throws<CheckpointException>(() => StateDictLoader.Load(target, SafeTensorsFile.Read(path), path));
        Assert.Contains("missing: blocks.1.mlp.fc2.bias", error.Message);
        Assert.Contains("unexpected: fc_norm.weight", error.Message);
        Assert.Contains("head.weight: checkpoint [7, 16] vs module [5, 16]", error.Message);
        foreach (var (name, t) in target.state_dict()) Assert.True(Torch.Same(t, before[name]), $"{name} changed");
    }
}
