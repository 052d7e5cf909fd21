using ResTuning.Backbones;
using ResNet = ResTuning.Backbones.ResNet;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>A channel adapter beside every block of every stage of the runtime's ResNet (the strided first blocks included).</summary>
[ResTuning<ResNet>]
[ChannelAdapter("layer1.*", Dim = 4, ZeroInit = false), ChannelAdapter("layer2.*", Dim = 4, ZeroInit = false)]
[ChannelAdapter("layer3.*", Dim = 4, ZeroInit = false), ChannelAdapter("layer4.*", Dim = 4, ZeroInit = false, Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.5)]
public partial class ResNetChannelAdapters;

/// <summary>The same with the attribute's defaults: zero-initialised up projections.</summary>
[ResTuning<ResNet>]
[ChannelAdapter("layer1.*", Dim = 4), ChannelAdapter("layer2.*", Dim = 4), ChannelAdapter("layer3.*", Dim = 4), ChannelAdapter("layer4.*", Dim = 4)]
public partial class ResNetChannelAdaptersZero;

/// <summary>A channel adapter beside both convolutions of <see cref="NumCnn"/> (3→6, then 6→8 with stride 2).</summary>
[ResTuning<NumCnn>]
[ChannelAdapter("convs.*", Dim = 3, ZeroInit = false, Activation = AdapterActivationKind.Relu)]
public partial class NumCnnChannelAdapters;

/// <summary>
/// <c>[ChannelAdapter]</c> through the DSL: generated models against block(x) + s·adapter(x) written out by hand with
/// <c>nn.functional.conv2d</c> on the same weights; zero-init start; only adapter parameters train; gradients reach them.
/// </summary>
public sealed class ChannelAdapterModelTests : IDisposable
{
    private readonly ScalarType previousDtype;

    public ChannelAdapterModelTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        previousDtype = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        manual_seed(5);
    }

    public void Dispose() => set_default_dtype(previousDtype);

    /// <summary>W_up σ(W_down x) with the down projection's stride, written out.</summary>
    private static Tensor Adapter(ChannelAdapter a, Tensor x, Func<Tensor, Tensor> activation)
    {
        var down = nn.functional.conv2d(x, a.Down.weight!, a.Down.bias, strides: new[] { a.Stride, a.Stride });
        return nn.functional.conv2d(activation(down), a.Up.weight!, a.Up.bias);
    }

    private static ResNet SmallResNet()
    {
        var backbone = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 1, 1, 1 }, classes: 5));
        backbone.eval();
        return backbone;
    }

    private static IEnumerable<(string Path, ResNetBlock Block)> Blocks(ResNet backbone)
    {
        var stages = new[] { backbone.Layer1, backbone.Layer2, backbone.Layer3, backbone.Layer4 };
        for (var s = 0; s < stages.Length; s++)
            for (var b = 0; b < stages[s].Count; b++)
                yield return ($"layer{s + 1}.{b}", stages[s][b]);
    }

    [Fact]
    public void Adapters_beside_ResNet_blocks_equal_the_blocks_plus_the_written_out_adapters()
    {
        var backbone = SmallResNet();
        var model = new ResNetChannelAdapters(backbone);
        model.eval();
        var images = randn(2, 3, 32, 32);

        // Shaped from each block: layer2.0 maps 64 → 128 channels with stride 2.
        var strided = Assert.IsType<ChannelAdapter>(model.Taps["layer2.0"].Tuner("channel_adapter"));
        Assert.Equal((64L, 128L, 2L), (strided.InChannels, strided.OutChannels, strided.Stride));
        Assert.Equal(1L, ((ChannelAdapter)model.Taps["layer1.1"].Tuner("channel_adapter")).Stride);

        Tensor expected;
        using (no_grad())
        {
            // block.forward runs the block without its hooks, so the adapter is added by hand only.
            var x = backbone.Stem(images);
            foreach (var (path, block) in Blocks(backbone))
            {
                var adapter = (ChannelAdapter)model.Taps[path].Tuner("channel_adapter");
                var scale = path.StartsWith("layer4", StringComparison.Ordinal) ? 0.5 : 1.0;
                x = block.forward(x) + scale * Adapter(adapter, x, t => nn.functional.gelu(t));
            }
            expected = backbone.ForwardHead(x);
        }
        var output = model.call(images);
        Assert.True(allclose(output, expected, rtol: 1e-10, atol: 1e-12));

        output.sum().backward();
        Assert.All(model.TrainableParameters(), p => Assert.NotNull(p.grad));
        Assert.All(backbone.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Zero_initialised_adapters_start_as_the_backbone_and_only_they_train()
    {
        var backbone = SmallResNet();
        var images = randn(1, 3, 32, 32);
        var plain = backbone.call(images).detach().clone();
        var model = new ResNetChannelAdaptersZero(backbone);
        model.eval();

        Assert.True(model.call(images).eq(plain).all().item<bool>());
        var names = model.NamedTrainableParameters().Select(p => p.Name).ToList();
        Assert.Equal(5 * 4, names.Count);   // 5 blocks × down/up weight and bias
        Assert.All(names, n => Assert.Matches(@"^taps\.layer\d_\d\.tuners\.channel_adapter\.(down|up)\.(weight|bias)$", n));
        // C_in·d + d + d·C_out + C_out per block, from each block's own channels.
        long Count(long cin, long cout) => (cin * 4) + 4 + (4 * cout) + cout;
        Assert.Equal(2 * Count(64, 64) + Count(64, 128) + Count(128, 256) + Count(256, 512), model.TrainableParameters().Sum(p => p.numel()));

        model.call(images).sum().backward();
        Assert.All(model.Taps.Taps.SelectMany(t => t.parameters()), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Adapters_beside_Conv2d_modules_equal_the_written_out_convolutions()
    {
        var backbone = new NumCnn();
        var model = new NumCnnChannelAdapters(backbone);
        var x = randn(2, 3, 9, 9);

        var second = Assert.IsType<ChannelAdapter>(model.Taps["convs.1"].Tuner("channel_adapter"));
        Assert.Equal((6L, 8L, 2L), (second.InChannels, second.OutChannels, second.Stride));

        var h = x;
        for (var i = 0; i < 2; i++)
        {
            var conv = backbone.convs[i];
            var stride = i == 0 ? 1L : 2L;
            var frozen = nn.functional.conv2d(h, conv.weight!, conv.bias, strides: new[] { stride, stride }, padding: new[] { 1L, 1L });
            h = nn.functional.relu(frozen + Adapter((ChannelAdapter)model.Taps[$"convs.{i}"].Tuner("channel_adapter"), h, t => nn.functional.relu(t)));
        }
        var expected = nn.functional.linear(h.mean(new long[] { 2, 3 }), backbone.head.weight!, backbone.head.bias);
        var output = model.call(x);
        Assert.True(allclose(output, expected, rtol: 1e-10, atol: 1e-12));

        output.sum().backward();
        Assert.All(model.TrainableParameters(), p => Assert.NotNull(p.grad));
        Assert.All(backbone.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void A_model_of_channel_adapters_declares_no_merging_members()
    {
        var model = new ResNetChannelAdaptersZero(SmallResNet());
        Assert.Null(typeof(ResNetChannelAdaptersZero).GetMethod("Merge", Type.EmptyTypes));
        model.Dispose();
    }
}
