using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

/// <summary>Encoder taps (a ResNet's stages) whose resolution halves and whose width grows between stages, and the pooled head.</summary>
public class DownsampleBypassTests
{
    [Fact]
    public void Downsample_stage_starts_at_zero_and_has_the_next_taps_shape()
    {
        using var _ = Torch.Scope(seed: 60);
        var down = new DownsampleStage(4, 8);

        var y = down.Forward(randn(3, 4, 8, 8), 4, 4);

        Assert.Equal(new long[] { 3, 8, 4, 4 }, y.shape);
        Assert.Equal(0.0, y.abs().max().ToDouble());
        Assert.Equal(8 * 4 + 8, down.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Downsample_is_two_by_two_averaging_then_a_one_by_one_convolution()
    {
        using var _ = Torch.Scope(seed: 61, ScalarType.Float64);
        var down = new DownsampleStage(2, 3, zeroInit: false);
        var x = randn(2, 2, 4, 4);

        var y = down.Forward(x, 2, 2);

        // Written out: the mean of each 2x2 block, then out[o] = sum_c w[o, c] * pooled[c] + bias[o] at every pixel.
        var blocks = x.view(2, 2, 2, 2, 2, 2).mean(new long[] { 3, 5 });
        var w = down.Conv!.weight!.view(3, 2);
        var expected = einsum("oc,bchw->bohw", w, blocks) + down.Conv.bias!.view(1, 3, 1, 1);
        Assert.True(Torch.MaxAbsDiff(expected, y) < 1e-14);
    }

    [Fact]
    public void Downsample_between_taps_of_one_shape_passes_the_state_and_has_no_parameters()
    {
        using var _ = Torch.Scope(seed: 62);
        var down = new DownsampleStage(4, 4);
        var x = randn(2, 4, 6, 6);

        Assert.Null(down.Conv);
        Assert.Empty(down.parameters());
        Assert.True(Torch.MaxAbsDiff(x, down.Forward(x, 6, 6)) == 0);
        // Same width, smaller size (a stride without widening): pooling alone.
        Assert.True(Torch.MaxAbsDiff(nn.functional.avg_pool2d(x, 2), down.Forward(x, 3, 3)) < 1e-6);
    }

    [Fact]
    public void Downsample_stage_names_itself_and_both_shapes_on_a_wrong_state()
    {
        using var _ = Torch.Scope(seed: 63);
        var down = new DownsampleStage(4, 8, name: "stage2.downsample");

        var e = Assert.Throws<TunerShapeException>(() => down.Forward(randn(2, 5, 8, 8), 4, 4));

        Assert.Contains("stage2.downsample", e.Message);
        Assert.Contains("[2, 5, 8, 8]", e.Message);
        Assert.Contains("DownsampleStage", e.Message);
    }

    [Fact]
    public void Pooled_head_is_the_pixel_mean_then_a_linear_layer()
    {
        using var _ = Torch.Scope(seed: 64, ScalarType.Float64);
        var head = new PooledHead(6, 3);
        var x = randn(2, 6, 3, 5);

        var logits = head.call(x);

        var mean = x.sum(new long[] { 2, 3 }) / 15.0;
        var expected = mean.matmul(head.Fc.weight!.t()) + head.Fc.bias!;
        Assert.True(Torch.MaxAbsDiff(expected, logits) < 1e-14);
        Assert.Throws<TunerShapeException>(() => head.call(randn(2, 5, 3, 3)));
    }

    [Fact]
    public void Hook_taps_of_a_ResNet_survive_the_stems_own_dispose_scope()
    {
        // The runtime ResNet runs its stem in a dispose scope of its own; a tap captured inside it must outlive it.
        using var _ = Torch.Scope(seed: 65);
        using var net = new ResNet(ResNetConfig.ResNet18(classes: 0));
        net.eval();
        using var source = new HookTapSource(net, ("maxpool", net.MaxPool), new (string, nn.Module<Tensor, Tensor>)[] { ("layer1.1", net.Layer1[1]), ("layer2.1", net.Layer2[1]) });
        var images = randn(2, 3, 32, 32);

        var taps = source.Collect(images, lastTap: 2);

        using (no_grad())
        {
            var stem = net.Stem(images);
            var stage1 = net.RunStage(0, stem);
            Assert.True(Torch.MaxAbsDiff(stem, taps[0]) == 0);
            Assert.True(Torch.MaxAbsDiff(stage1, taps[1]) == 0);
            Assert.True(Torch.MaxAbsDiff(net.RunStage(1, stage1), taps[2]) == 0);
        }
    }
}
