using ResTuning.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using ResNet = ResTuning.Backbones.ResNet;

namespace ResTuning.Onnx.Tests;

public class ResNetStructureTests
{
    /// <summary>TorchVision's state-dict names for a ResNet, written out from its layout rules.</summary>
    private static List<string> TorchVisionNames(ResNetConfig config)
    {
        var names = new List<string> { "conv1.weight" };
        void Bn(string p) => names.AddRange(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }.Select(s => $"{p}.{s}"));
        Bn("bn1");
        var convs = config.Block == BlockKind.Basic ? 2 : 3;
        long inChannels = 64;
        for (var s = 0; s < config.Layers.Count; s++)
        {
            for (var b = 0; b < config.Layers[s]; b++)
            {
                var p = $"layer{s + 1}.{b}";
                for (var c = 1; c <= convs; c++)
                {
                    names.Add($"{p}.conv{c}.weight");
                    Bn($"{p}.bn{c}");
                }
                var outChannels = (64L << s) * config.Expansion;
                if (b == 0 && (s > 0 || inChannels != outChannels))
                {
                    names.Add($"{p}.downsample.0.weight");
                    Bn($"{p}.downsample.1");
                }
                inChannels = outChannels;
            }
        }
        if (config.Classes > 0) names.AddRange(new[] { "fc.weight", "fc.bias" });
        return names;
    }

    public static TheoryData<string, long> Counts() => new()
    {
        { "resnet18", 11_689_512 },
        { "resnet34", 21_797_672 },
        { "resnet50", 25_557_032 },
        { "basic-2223", 15_897_152 },
    };

    private static ResNetConfig Config(string name) => name switch
    {
        "resnet18" => ResNetConfig.ResNet18(),
        "resnet34" => ResNetConfig.ResNet34(),
        "resnet50" => ResNetConfig.ResNet50(),
        "basic-2223" => ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 2, 2, 3 }, classes: 0),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void State_dict_names_and_parameter_counts_match_torchvision(string name, long parameters)
    {
        var config = Config(name);
        using var model = new ResNet(config);
        var expected = TorchVisionNames(config);
        // TorchSharp's state_dict lists all parameters before all buffers (PyTorch interleaves them module by module):
        // the same names, and the parameters in TorchVision's order.
        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), model.state_dict().Keys.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(expected.Where(n => !n.Contains("running_") && !n.EndsWith("num_batches_tracked", StringComparison.Ordinal)),
            model.named_parameters().Select(p => p.name));
        Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
        Assert.Equal(config.Classes > 0, model.Fc is not null);
        Assert.Equal(config.Block == BlockKind.Bottleneck ? 2048 : 512, model.FeatureDim);
    }

    [Fact]
    public void Forward_gives_logits_or_pooled_features_and_blocks_can_be_hooked()
    {
        using var scope = NewDisposeScope();
        using var classifier = new ResNet(ResNetConfig.ResNet18(classes: 7));
        classifier.eval();
        var images = randn(2, 3, 64, 64);
        Assert.Equal(new long[] { 2, 7 }, classifier.call(images).shape);

        using var features = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 2, 2, 3 }));
        features.eval();
        long[]? tapped = null;
        var hook = features.Layer4[2].register_forward_hook((_, _, output) => { tapped = output.shape; return output; });
        Assert.Equal(new long[] { 2, 512 }, features.call(images).shape);
        Assert.Equal(new long[] { 2, 512, 2, 2 }, tapped);
        Assert.Equal(new long[] { 2, 512, 2, 2 }, features.ForwardFeatures(images).shape);
        Assert.Equal(new long[] { 2, 64, 16, 16 }, features.Stem(images).shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => features.RunStage(4, images));
        hook.remove();
    }

    [Fact]
    public void Dispose_releases_every_block()
    {
        var model = new ResNet(ResNetConfig.Custom(BlockKind.Bottleneck, new[] { 1, 1 }));
        var deep = ((Bottleneck)model.Layer2[0]).Conv3.weight!;
        var shortcut = ((BatchNorm2d)model.Layer2[0].Downsample![1]).running_var!;
        model.Dispose();
        Assert.True(deep.IsInvalid);
        Assert.True(shortcut.IsInvalid);
    }

    [Fact]
    public void Invalid_configs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ResNet(ResNetConfig.Custom(BlockKind.Basic, Array.Empty<int>())));
        Assert.Throws<ArgumentException>(() => new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 0 })));
        Assert.Throws<ArgumentException>(() => new ResNet(ResNetConfig.ResNet18(classes: -1)));
    }

    private static void Randomize(nn.Module module, int seed)
    {
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, t) in module.state_dict())
        {
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(rand(t.shape, generator: generator) + 0.5);
            else if (name.Contains(".bn") || name.Contains("downsample.1") || name.StartsWith("bn", StringComparison.Ordinal))
                t.copy_(randn(t.shape, generator: generator) * 0.5 + (name.EndsWith("weight", StringComparison.Ordinal) ? 1 : 0));
            else t.copy_(randn(t.shape, generator: generator) * 0.1);
        }
    }

    private static Tensor Bn(Tensor x, BatchNorm2d bn, bool training) =>
        F.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, training, 0.1, 1e-5);

    private static Tensor Shortcut(ResNetBlock block, Tensor x, long stride, bool training)
    {
        if (block.Downsample is null) return x;
        var conv = (Conv2d)block.Downsample[0];
        var bn = (BatchNorm2d)block.Downsample[1];
        return Bn(F.conv2d(x, conv.weight!, strides: new[] { stride, stride }), bn, training);
    }

    private static Tensor BasicReference(BasicBlock block, Tensor x, long stride, bool training)
    {
        var h = F.relu(Bn(F.conv2d(x, block.Conv1.weight!, strides: new[] { stride, stride }, padding: new long[] { 1, 1 }), block.Bn1, training));
        h = Bn(F.conv2d(h, block.Conv2.weight!, padding: new long[] { 1, 1 }), block.Bn2, training);
        return F.relu(h + Shortcut(block, x, stride, training));
    }

    private static Tensor BottleneckReference(Bottleneck block, Tensor x, long stride, bool training)
    {
        var h = F.relu(Bn(F.conv2d(x, block.Conv1.weight!), block.Bn1, training));
        h = F.relu(Bn(F.conv2d(h, block.Conv2.weight!, strides: new[] { stride, stride }, padding: new long[] { 1, 1 }), block.Bn2, training));
        h = Bn(F.conv2d(h, block.Conv3.weight!), block.Bn3, training);
        return F.relu(h + Shortcut(block, x, stride, training));
    }

    [Theory]
    [InlineData(16, 16, 1, false)]
    [InlineData(16, 32, 2, true)]
    public void BasicBlock_matches_a_functional_reference_in_eval_mode(long inChannels, long planes, long stride, bool hasDownsample)
    {
        using var scope = NewDisposeScope();
        using var block = new BasicBlock(inChannels, planes, stride);
        Assert.Equal(hasDownsample, block.Downsample is not null);
        Randomize(block, 1);
        block.eval();
        var x = randn(2, inChannels, 9, 9, generator: new Generator(2));
        using var noGrad = no_grad();
        var expected = BasicReference(block, x, stride, training: false);
        var actual = block.call(x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max diff {(actual - expected).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(64, 16, 1)]
    [InlineData(64, 32, 2)]
    [InlineData(64, 16, 2)]
    public void Bottleneck_matches_a_functional_reference_in_eval_mode(long inChannels, long planes, long stride)
    {
        using var scope = NewDisposeScope();
        using var block = new Bottleneck(inChannels, planes, stride);
        Randomize(block, 3);
        block.eval();
        var x = randn(2, inChannels, 8, 8, generator: new Generator(4));
        using var noGrad = no_grad();
        var expected = BottleneckReference(block, x, stride, training: false);
        var actual = block.call(x);
        Assert.Equal(new long[] { 2, planes * 4, 8 / stride, 8 / stride }, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max diff {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void In_place_operations_keep_gradients_right_in_train_mode()
    {
        using var scope = NewDisposeScope();
        using var block = new BasicBlock(8, 16, 2);
        using var reference = new BasicBlock(8, 16, 2);
        Randomize(block, 5);
        reference.load_state_dict(block.state_dict());
        block.train();
        var x1 = randn(3, 8, 8, 8, generator: new Generator(6)).requires_grad_(true);
        var x2 = x1.detach().clone().requires_grad_(true);
        var weights = randn(3, 16, 4, 4, generator: new Generator(7));
        (block.call(x1) * weights).sum().backward();
        (BasicReference(reference, x2, 2, training: true) * weights).sum().backward();
        Assert.True(x1.grad!.allclose(x2.grad!, rtol: 1e-4, atol: 1e-5));
        Assert.True(block.Conv1.weight!.grad!.allclose(reference.Conv1.weight!.grad!, rtol: 1e-4, atol: 1e-5));
        Assert.True(((Conv2d)block.Downsample![0]).weight!.grad!.allclose(((Conv2d)reference.Downsample![0]).weight!.grad!, rtol: 1e-4, atol: 1e-5));
    }
}
