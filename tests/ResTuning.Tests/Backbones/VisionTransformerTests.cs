using System.IO;
using ResTuning.Backbones;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

public class VisionTransformerTests
{
    internal static readonly VitConfig TinyConfig = new(ImageSize: 8, PatchSize: 4, InChannels: 3, EmbedDim: 8, Depth: 2, NumHeads: 2, MlpDim: 16, NumClasses: 5);

    [Fact]
    public void State_dict_names_match_timm_vit_for_depth_two()
    {
        using var _ = Torch.Scope(seed: 1);
        var vit = new VisionTransformer(TinyConfig);
        var expected = new List<string> { "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias" };
        for (var i = 0; i < 2; i++)
            foreach (var leaf in new[] { "norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2" })
                expected.AddRange(new[] { $"blocks.{i}.{leaf}.weight", $"blocks.{i}.{leaf}.bias" });
        expected.AddRange(new[] { "norm.weight", "norm.bias", "head.weight", "head.bias" });

        Assert.Equal(expected.OrderBy(s => s, StringComparer.Ordinal), vit.state_dict().Keys.OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(new long[] { 1, 5, 8 }, vit.state_dict()["pos_embed"].shape);
        Assert.Equal(new long[] { 24, 8 }, vit.state_dict()["blocks.1.attn.qkv.weight"].shape);
        Assert.Equal(new long[] { 8, 3, 4, 4 }, vit.state_dict()["patch_embed.proj.weight"].shape);
    }

    [Fact]
    public void Forward_matches_a_hand_written_reference()
    {
        using var _ = Torch.Scope(seed: 2, ScalarType.Float64);
        var vit = new VisionTransformer(TinyConfig);
        // Non-trivial norms so a wrong LayerNorm affine would show.
        using (no_grad())
            foreach (var (name, p) in vit.named_parameters().Where(np => np.name.Contains("norm")))
                p.add_(randn_like(p) * 0.1);
        var images = randn(3, 3, 8, 8);
        var sd = vit.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

        var expected = ReferenceVit.Forward(sd, images, depth: 2, heads: 2, patch: 4, eps: 1e-6);
        var actual = vit.call(images);

        Assert.Equal(new long[] { 3, 5 }, actual.shape);
        Assert.True(Torch.MaxAbsDiff(expected, actual) < 1e-10, $"max diff {Torch.MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void Checkpoint_round_trip_reproduces_outputs()
    {
        using var _ = Torch.Scope(seed: 3);
        var source = new VisionTransformer(TinyConfig);
        var path = Path.Combine(Path.GetTempPath(), $"vit-{Guid.NewGuid():N}.bin");
        try
        {
            source.save(path);
            manual_seed(99);
            var target = new VisionTransformer(TinyConfig);
            var images = randn(2, 3, 8, 8);
            Assert.False(Torch.Same(source.call(images), target.call(images)));

            target.load(path);

            Assert.True(Torch.Same(source.call(images), target.call(images)));
            foreach (var (name, tensor) in source.state_dict())
                Assert.True(Torch.Same(tensor, target.state_dict()[name]), name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Identity_head_returns_the_normalised_class_token()
    {
        using var _ = Torch.Scope(seed: 4, ScalarType.Float64);
        var vit = new VisionTransformer(TinyConfig with { NumClasses = 0 });
        var images = randn(2, 3, 8, 8);
        var tokens = vit.Embed(images);
        foreach (var block in vit.Blocks) tokens = block.call(tokens);
        var sd = vit.state_dict();
        var expected = ReferenceVit.LayerNorm(tokens, sd["norm.weight"], sd["norm.bias"], 1e-6).select(1, 0);

        Assert.DoesNotContain(sd.Keys, k => k.StartsWith("head", StringComparison.Ordinal));
        Assert.True(Torch.MaxAbsDiff(expected, vit.call(images)) < 1e-12);
    }

    [Fact]
    public void Wrapping_the_mlp_keeps_timm_names_under_the_wrapper_and_zero_init_keeps_outputs()
    {
        using var _ = Torch.Scope(seed: 5);
        var vit = new VisionTransformer(TinyConfig);
        var images = randn(2, 3, 8, 8);
        var before = vit.call(images);

        foreach (var block in vit.Blocks)
            block.WrapMlp(mlp => new ResParallel(mlp, name: "mlp").Add("adapter", new ResAdapter(8, 4)));

        var names = vit.state_dict().Keys.ToList();
        Assert.Contains("blocks.0.mlp.op.fc1.weight", names);
        Assert.Contains("blocks.1.mlp.tuners.adapter.up.weight", names);
        Assert.DoesNotContain("blocks.0.mlp.fc1.weight", names);
        Assert.True(Torch.Same(before, vit.call(images)));
    }

    [Theory]
    [InlineData(10, 4, "PatchSize")]
    [InlineData(8, 4, "NumHeads")]
    public void Invalid_config_names_the_parameter(int image, int patch, string parameter)
    {
        var config = TinyConfig with { ImageSize = image, PatchSize = patch, NumHeads = parameter == "NumHeads" ? 3 : 2 };
        var error = Assert.Throws<ArgumentException>(() => new VisionTransformer(config));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Wrong_image_size_raises_a_shape_error_naming_both_shapes()
    {
        using var _ = Torch.Scope(seed: 6);
        var vit = new VisionTransformer(TinyConfig);
        var error = Assert.Throws<TunerShapeException>(() => vit.call(randn(1, 3, 12, 12)));
        Assert.Contains("[1, 3, 12, 12]", error.Message);
        Assert.Contains("[*, 3, 8, 8]", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_forward_leaves_as_many_live_tensors_whatever_the_depth(bool withGrad)
    {
        // Block outputs in between are freed as soon as the next exists (autograd keeps its own references), so what a
        // forward leaves in the caller's dispose scope must not grow with the number of blocks.
        using var _ = Torch.Scope(seed: 4);
        var shallow = new VisionTransformer(TinyConfig with { Depth = 1 });
        var deep = new VisionTransformer(TinyConfig with { Depth = 6 });
        var images = randn(2, 3, 8, 8);

        var liveAfterShallow = LiveAfterForward(shallow, images, withGrad);
        var liveAfterDeep = LiveAfterForward(deep, images, withGrad);

        Assert.Equal(liveAfterShallow, liveAfterDeep);
    }

    [Fact]
    public void Gradients_match_the_hand_written_reference_although_intermediates_are_freed()
    {
        using var _ = Torch.Scope(seed: 5, ScalarType.Float64);
        var vit = new VisionTransformer(TinyConfig);
        var images = randn(3, 3, 8, 8);
        var reference = vit.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().requires_grad_());
        var weights = randn(3, 5);

        (vit.call(images) * weights).sum().backward();
        (ReferenceVit.Forward(reference, images, depth: 2, heads: 2, patch: 4, eps: 1e-6) * weights).sum().backward();

        foreach (var (name, p) in vit.named_parameters())
        {
            var diff = Torch.MaxAbsDiff(reference[name].grad!, p.grad!);
            Assert.True(diff < 1e-10, $"{name}: max gradient diff {diff}");
        }
    }

    private static int LiveAfterForward(VisionTransformer vit, Tensor images, bool withGrad)
    {
        using var grad = withGrad ? enable_grad() : no_grad();
        using var scope = NewDisposeScope();
        var logits = vit.call(images);
        if (withGrad) logits.sum().backward();
        return scope.DisposablesCount;
    }
}
