using ResTuning.Backbones;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>The channel adapter a generated <c>[ChannelAdapter]</c> gets, shaped from the module it runs beside.</summary>
public class ChannelAdapterFactoryTests
{
    [Fact]
    public void A_conv_gives_its_channels_and_stride()
    {
        using var _ = Torch.Scope(seed: 320);
        var adapter = ChannelAdapterFactory.For(nn.Conv2d(6, 10, 3, stride: 2, padding: 1), "convs.1", hiddenDim: 4);
        Assert.Equal((6L, 4L, 10L, 2L), (adapter.InChannels, adapter.HiddenDim, adapter.OutChannels, adapter.Stride));
    }

    [Theory]
    [InlineData(BlockKind.Basic, 64L, 128L)]
    [InlineData(BlockKind.Bottleneck, 256L, 512L)]
    public void A_ResNet_block_gives_its_channels_and_stride(BlockKind kind, long inChannels, long outChannels)
    {
        using var _ = Torch.Scope(seed: 321);
        ResNetBlock block = kind == BlockKind.Basic ? new BasicBlock(inChannels, 128, stride: 2) : new Bottleneck(inChannels, 128, stride: 2);
        Assert.Equal((inChannels, outChannels, 2L), (block.InChannels, block.OutChannels, block.Stride));

        var adapter = ChannelAdapterFactory.For(block, "layer2.0", hiddenDim: 8);
        Assert.Equal((inChannels, outChannels, 2L), (adapter.InChannels, adapter.OutChannels, adapter.Stride));
        block.eval();
        var x = randn(1, inChannels, 9, 9);
        Assert.Equal(block.call(x).shape, adapter.call(x).shape);
    }

    [Fact]
    public void Stated_widths_shape_it_beside_any_module_and_a_module_that_tells_none_is_refused_by_name()
    {
        using var _ = Torch.Scope(seed: 322);
        var adapter = ChannelAdapterFactory.For(nn.BatchNorm2d(5), "neck.0", hiddenDim: 2, inChannels: 5);
        Assert.Equal((5L, 5L, 1L), (adapter.InChannels, adapter.OutChannels, adapter.Stride));

        var error = Assert.Throws<InvalidOperationException>(() => ChannelAdapterFactory.For(nn.BatchNorm2d(5), "neck.0", hiddenDim: 2));
        Assert.Contains("Tap 'neck.0'", error.Message);
        Assert.Contains("BatchNorm2d", error.Message);
    }

    [Fact]
    public void A_conv_with_two_strides_is_refused_unless_one_is_stated()
    {
        using var _ = Torch.Scope(seed: 323);
        var conv = nn.Conv2d(3, 4, (3, 3), stride: (1, 2));
        var error = Assert.Throws<InvalidOperationException>(() => ChannelAdapterFactory.For(conv, "stem", hiddenDim: 2));
        Assert.Contains("Tap 'stem'", error.Message);
        Assert.Equal(2L, ChannelAdapterFactory.For(conv, "stem", hiddenDim: 2, stride: 2).Stride);
    }

    [Fact]
    public void Wrong_stated_widths_fail_at_the_first_call_naming_the_tap_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 324);
        var tap = new ResParallel(nn.Conv2d(4, 6, 1), name: "convs.0")
            .Add("channel_adapter", ChannelAdapterFactory.For(nn.Conv2d(4, 6, 1), "convs.0", hiddenDim: 2, outChannels: 5), TunerScale.Fixed(1.0));
        var error = Assert.Throws<TunerShapeException>(() => tap.call(randn(1, 4, 3, 3)));
        Assert.Contains("convs.0", error.Message);
        Assert.Contains("[1, 6, 3, 3]", error.Message);
        Assert.Contains("[1, 5, 3, 3]", error.Message);
    }
}
