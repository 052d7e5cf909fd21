using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>The 1×1-conv Res-Adapter for feature maps against a per-pixel matrix-product reference.</summary>
public class ChannelAdapterTests
{
    /// <summary><c>W_up σ(W_down x_p + b_down) + b_up</c> at every pixel p, written with einsum over the channel axis.</summary>
    private static Tensor Reference(ChannelAdapter adapter, Tensor x, Func<Tensor, Tensor> activation)
    {
        var wd = adapter.Down.weight.detach().view(adapter.HiddenDim, adapter.InChannels);
        var bd = adapter.Down.bias!.detach().view(1, -1, 1, 1);
        var wu = adapter.Up.weight.detach().view(adapter.OutChannels, adapter.HiddenDim);
        var bu = adapter.Up.bias!.detach().view(1, -1, 1, 1);
        var h = activation(einsum("dc,nchw->ndhw", wd, x) + bd);
        return einsum("od,ndhw->nohw", wu, h) + bu;
    }

    [Theory]
    [InlineData(AdapterActivationKind.Relu)]
    [InlineData(AdapterActivationKind.Gelu)]
    public void Output_equals_per_pixel_reference(AdapterActivationKind activation)
    {
        using var _ = Torch.Scope(seed: 310, ScalarType.Float64);
        var adapter = new ChannelAdapter(6, 3, 5, activation, zeroInit: false);
        var x = randn(2, 6, 5, 4);
        Func<Tensor, Tensor> act = activation == AdapterActivationKind.Relu ? t => t.clamp_min(0) : t => nn.functional.gelu(t);
        var output = adapter.call(x);
        Assert.Equal(new long[] { 2, 5, 5, 4 }, output.shape);
        Assert.True(Torch.MaxAbsDiff(output, Reference(adapter, x, act)) <= 1e-12);
    }

    [Fact]
    public void Zero_init_gives_exactly_zero()
    {
        using var _ = Torch.Scope(seed: 311);
        var adapter = new ChannelAdapter(8, 2);
        var output = adapter.call(randn(2, 8, 6, 6));
        Assert.True(Torch.Same(output, zeros(2, 8, 6, 6)));
    }

    [Fact]
    public void Stride_reads_every_other_pixel()
    {
        using var _ = Torch.Scope(seed: 312, ScalarType.Float64);
        var adapter = new ChannelAdapter(4, 3, 8, AdapterActivationKind.Relu, zeroInit: false, stride: 2);
        var x = randn(2, 4, 7, 6);
        var subsampled = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)];
        var output = adapter.call(x);
        // ⌈7/2⌉ × ⌈6/2⌉, the size a stride-2, padding-1 3×3 conv gives.
        Assert.Equal(new long[] { 2, 8, 4, 3 }, output.shape);
        Assert.Equal(nn.Conv2d(4, 8, 3, stride: 2, padding: 1).call(x).shape, output.shape);
        Assert.True(Torch.MaxAbsDiff(output, Reference(adapter, subsampled, t => t.clamp_min(0))) <= 1e-12);
    }

    [Fact]
    public void Parameters_are_named_like_the_res_adapter_and_counted()
    {
        using var _ = Torch.Scope(seed: 313);
        const long c = 16, d = 4, cOut = 24;
        var adapter = new ChannelAdapter(c, d, cOut, dropout: 0.1);
        var parameters = adapter.named_parameters().ToList();
        Assert.Equal(new[] { "down.bias", "down.weight", "up.bias", "up.weight" }, parameters.Select(p => p.name).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        Assert.Equal(c * d + d + d * cOut + cOut, parameters.Sum(p => p.parameter.numel()));
    }

    [Fact]
    public void Wrong_input_channels_names_the_tuner_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 314);
        var adapter = new ChannelAdapter(8, 2, name: "layer3.adapter");
        var error = Assert.Throws<TunerShapeException>(() => adapter.call(randn(2, 6, 4, 4)));
        Assert.Contains("layer3.adapter", error.Message);
        Assert.Contains("[2, 6, 4, 4]", error.Message);
        Assert.Contains("[*, 8, *, *]", error.Message);
    }

    [Theory]
    [InlineData(0, 2, 0.0, 1)]
    [InlineData(4, 0, 0.0, 1)]
    [InlineData(4, 2, 1.0, 1)]
    [InlineData(4, 2, 0.0, 0)]
    public void Invalid_arguments_are_refused(long channels, long dim, double dropout, long stride)
    {
        using var _ = Torch.Scope(seed: 315);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelAdapter(channels, dim, dropout: dropout, stride: stride));
    }
}
