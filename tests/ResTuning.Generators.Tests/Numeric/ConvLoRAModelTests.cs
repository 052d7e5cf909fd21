using ResTuning.Backbones;
using ResNet = ResTuning.Backbones.ResNet;
using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>A small CNN: two 3×3 convolutions (the second with stride 2) and a pooled linear head.</summary>
public sealed class NumCnn : nn.Module<Tensor, Tensor>
{
    [ModuleCount(2)]
    public readonly ModuleList<Conv2d> convs;
    public readonly Linear head;

    public NumCnn() : base("num_cnn")
    {
        convs = new ModuleList<Conv2d>(nn.Conv2d(3, 6, 3, padding: 1), nn.Conv2d(6, 8, 3, stride: 2, padding: 1));
        head = nn.Linear(8, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var conv in convs) x = nn.functional.relu(conv.call(x));
        return head.call(x.mean(new long[] { 2, 3 }));
    }
}

/// <summary>LoRA on both convolutions (PEFT's conv LoRA) and on the head, through the DSL.</summary>
[ResTuning<NumCnn>]
[LoRA("convs.*", Rank = 2, Alpha = 4, ZeroInit = false)]
[LoRA("head", Rank = 2, ZeroInit = false)]
public partial class NumCnnLoRA;

/// <summary>LoRA on the stem convolution of the runtime's TorchVision-layout ResNet.</summary>
[ResTuning<ResNet>]
[LoRA("conv1", Rank = 4)]
public partial class ResNetStemLoRA;

/// <summary>LoRA on both 3×3 convolutions of every block (PEFT's conv LoRA over a whole ResNet), and a linear head kept trainable.</summary>
[ResTuning<ResNet>]
[LoRA("layer1.*.conv1", Rank = 4, ZeroInit = false), LoRA("layer2.*.conv1", Rank = 4, ZeroInit = false), LoRA("layer3.*.conv1", Rank = 4, ZeroInit = false), LoRA("layer4.*.conv1", Rank = 4, ZeroInit = false)]
[LoRA("layer1.*.conv2", Rank = 4, ZeroInit = false), LoRA("layer2.*.conv2", Rank = 4, ZeroInit = false), LoRA("layer3.*.conv2", Rank = 4, ZeroInit = false), LoRA("layer4.*.conv2", Rank = 4, ZeroInit = false)]
[Trainable("fc")]
public partial class ResNetBlocksLoRA;

/// <summary>LoRA on a shortcut's 1×1 convolution: a <c>Sequential</c> element, typed <c>Module&lt;Tensor, Tensor&gt;</c> (RT0042).</summary>
[ResTuning<ResNet>]
[LoRA("layer2.0.downsample.0", Rank = 2, Alpha = 4, ZeroInit = false)]
public partial class ResNetShortcutLoRA;

/// <summary>LoRA on a shortcut that layer1's first block does not have (its <c>downsample</c> is null).</summary>
[ResTuning<ResNet>]
[LoRA("layer1.0.downsample.0")]
public partial class ResNetMissingShortcutLoRA;

/// <summary>
/// LoRA on <c>Conv2d</c> modules declared with <c>[LoRA]</c>: the generated model against convolutions written out with
/// <c>nn.functional.conv2d</c> on the same weights; exact merge, unmerge and merge-and-unload.
/// </summary>
public sealed class ConvLoRAModelTests : IDisposable
{
    private readonly ScalarType previousDtype;

    public ConvLoRAModelTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        previousDtype = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        manual_seed(3);
    }

    public void Dispose() => set_default_dtype(previousDtype);

    private static Tensor Reference(NumCnn backbone, NumCnnLoRA model, Tensor x)
    {
        var taps = model.Taps;
        for (var i = 0; i < 2; i++)
        {
            var conv = backbone.convs[i];
            var lora = (ConvLoRA)taps[$"convs.{i}"].Tuner("lora");
            var stride = i == 0 ? 1L : 2L;
            var frozen = nn.functional.conv2d(x, conv.weight!, conv.bias, strides: new[] { stride, stride }, padding: new[] { 1L, 1L });
            var a = nn.functional.conv2d(x, lora.A, null, strides: new[] { stride, stride }, padding: new[] { 1L, 1L });
            var b = nn.functional.conv2d(a, lora.B, null);
            x = nn.functional.relu(frozen + b * (4.0 / 2));
        }
        var pooled = x.mean(new long[] { 2, 3 });
        var head = (ResTuning.Tuners.LoRA)taps["head"].Tuner("lora");
        return nn.functional.linear(pooled, backbone.head.weight!, backbone.head.bias)
            + pooled.matmul(head.A.t()).matmul(head.B.t()) * head.Scaling;
    }

    [Fact]
    public void A_LoRA_on_a_Conv2d_is_a_ConvLoRA_beside_it_and_equals_the_written_out_convolutions()
    {
        var backbone = new NumCnn();
        var model = new NumCnnLoRA(backbone);
        var x = randn(2, 3, 9, 9);

        Assert.IsType<ConvLoRA>(model.Taps["convs.1"].Tuner("lora"));
        var names = model.NamedTrainableParameters().Select(p => p.Name).ToHashSet();
        Assert.Contains("taps.convs_0.tuners.lora.lora_A", names);
        Assert.Contains("taps.convs_1.tuners.lora.lora_B", names);
        Assert.Equal(new long[] { 2, 6, 3, 3 }, ((ConvLoRA)model.Taps["convs.1"].Tuner("lora")).A.shape);

        var output = model.call(x);
        Assert.True(allclose(output, Reference(backbone, model, x), rtol: 1e-10, atol: 1e-12));

        output.sum().backward();
        Assert.All(model.Taps.Taps.SelectMany(t => t.parameters()), p => Assert.NotNull(p.grad));
        Assert.All(backbone.convs.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Merge_folds_the_conv_LoRAs_into_the_conv_weights_and_Unmerge_restores_them_exactly()
    {
        var backbone = new NumCnn();
        var model = new NumCnnLoRA(backbone);
        var x = randn(2, 3, 9, 9);
        var tuned = model.call(x).detach().clone();
        var weights = backbone.convs.Select(c => c.weight!.detach().clone()).ToArray();

        model.Merge();
        model.eval();
        Assert.False(backbone.convs[1].weight!.eq(weights[1]).all().item<bool>());
        Assert.True(allclose(model.call(x), tuned, rtol: 1e-10, atol: 1e-12));

        model.Unmerge();
        for (var i = 0; i < 2; i++) Assert.True(backbone.convs[i].weight!.eq(weights[i]).all().item<bool>(), $"convs.{i}");

        var merged = model.MergeAndUnload();
        Assert.True(allclose(merged.call(x), tuned, rtol: 1e-10, atol: 1e-12));
        model.Dispose();
    }

    [Fact]
    public void The_ResNet_stem_takes_a_conv_LoRA_that_starts_as_the_backbone()
    {
        set_default_dtype(ScalarType.Float32);
        var backbone = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 1, 1, 1, 1 }, classes: 0));
        backbone.eval();
        var x = randn(1, 3, 32, 32);
        var plain = backbone.call(x).detach().clone();
        var model = new ResNetStemLoRA(backbone);

        var lora = Assert.IsType<ConvLoRA>(model.Taps["conv1"].Tuner("lora"));
        Assert.Equal(new long[] { 4, 3, 7, 7 }, lora.A.shape);
        Assert.True(model.call(x).eq(plain).all().item<bool>());   // zero-initialised B
    }

    [Fact]
    public void Every_block_convolution_of_a_ResNet_takes_a_LoRA_and_merges_into_it_exactly()
    {
        set_default_dtype(ScalarType.Float32);
        var backbone = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 1, 1, 2 }, classes: 5));
        backbone.eval();
        var x = randn(2, 3, 32, 32);
        var model = new ResNetBlocksLoRA(backbone);
        model.eval();

        // 6 blocks × 2 convolutions, each with a ConvLoRA shaped after its own conv (the strided first conv of layer2 included).
        Assert.Equal(12, model.Taps.Taps.Count());
        var strided = (ConvLoRA)model.Taps["layer2.0.conv1"].Tuner("lora");
        Assert.Equal(new long[] { 2, 2 }, strided.Stride);
        Assert.Equal(new long[] { 4, 64, 3, 3 }, strided.A.shape);
        var tuned = model.call(x).detach().clone();
        var weight = backbone.Layer4[1].Conv2.weight!.detach().clone();

        model.Merge();
        Assert.True(allclose(model.call(x), tuned, rtol: 1e-4, atol: 1e-5));
        model.Unmerge();
        Assert.True(backbone.Layer4[1].Conv2.weight!.eq(weight).all().item<bool>());
        Assert.True(model.call(x).eq(tuned).all().item<bool>());
    }

    [Fact]
    public void A_shortcut_convolution_inside_a_Sequential_takes_a_conv_LoRA_found_at_construction()
    {
        var backbone = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 1, 1, 1, 1 }, classes: 0));
        backbone.eval();
        var model = new ResNetShortcutLoRA(backbone);
        model.eval();
        var lora = Assert.IsType<ConvLoRA>(model.Taps["layer2.0.downsample.0"].Tuner("lora"));
        Assert.Equal(new long[] { 2, 64, 1, 1 }, lora.A.shape);
        Assert.Equal(new long[] { 2, 2 }, lora.Stride);

        // The block by hand: its main path, and the shortcut's convolution plus (α/r)·B(A(x)) with A strided like it.
        var block = backbone.Layer2[0];
        var x = randn(2, 64, 8, 8);
        var shortcutConv = (Conv2d)block.Downsample![0];
        var shortcutBn = (BatchNorm2d)block.Downsample[1];
        var shortcut = nn.functional.conv2d(x, shortcutConv.weight!, null, strides: new[] { 2L, 2L })
            + (4.0 / 2) * nn.functional.conv2d(nn.functional.conv2d(x, lora.A, null, strides: new[] { 2L, 2L }), lora.B, null);
        shortcut = nn.functional.batch_norm(shortcut, shortcutBn.running_mean, shortcutBn.running_var, shortcutBn.weight, shortcutBn.bias, false, 0.1, shortcutBn.eps);
        var main = block.Bn2.call(block.Conv2.call(nn.functional.relu(block.Bn1.call(block.Conv1.call(x)))));
        var expected = nn.functional.relu(main + shortcut);
        var actual = block.call(x);
        Assert.True(allclose(actual, expected, rtol: 1e-10, atol: 1e-12));

        model.Merge();
        Assert.True(allclose(block.call(x), expected, rtol: 1e-10, atol: 1e-12));
        model.Unmerge();
        Assert.True(block.call(x).eq(actual).all().item<bool>());
    }

    [Fact]
    public void A_tap_into_a_shortcut_the_block_does_not_have_is_refused_at_construction_with_the_tap()
    {
        var backbone = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 1, 1, 1, 1 }, classes: 0));
        var error = Assert.Throws<InvalidOperationException>(() => new ResNetMissingShortcutLoRA(backbone));
        Assert.Equal("Tap 'layer1.0.downsample.0': 'downsample' is null in this backbone, so it has no elements to select; point the tap at a module that has one.", error.Message);
    }
}
