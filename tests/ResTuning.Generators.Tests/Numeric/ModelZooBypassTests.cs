using ResTuning.Bypass;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>
/// A Res-Tuning-Bypass on TorchVision's own ResNet (TorchSharp's model zoo): x_0 after the stem's max pool, x_1..x_4 after
/// each stage; every name is looked up in the compiled model's registered children at construction (RT0040).
/// </summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64, 128, 256, 512 }, Classes = 10)]
[BypassTaps(Start = "maxpool", Taps = "layer1, layer2, layer3, layer4", Downsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 8, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 8, Residual = true)]
public partial class ZooBypass;

/// <summary>A second task on the same zoo taps (LoRA laterals, two classes), for a multi-task group.</summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64, 128, 256, 512 }, Classes = 2)]
[BypassTaps(Start = "maxpool", Taps = "layer1, layer2, layer3, layer4", Downsample = true)]
[Lateral(BypassTunerKind.LoRA, Rank = 2, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 2, Residual = true)]
public partial class ZooBypassTwo;

/// <summary>Both zoo tasks on one backbone pass: their taps are the same registered paths.</summary>
[ResTuningMultiTask<TorchSharp.Modules.ResNet>(typeof(ZooBypass), typeof(ZooBypassTwo))]
public partial class ZooTasks;

/// <summary>Taps one block of a stage and a block's convolution, indices and names past the compiled type.</summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64, 128 }, Classes = 2)]
[BypassTaps(Start = "maxpool", Taps = "layer1.1, layer2.1.conv2", Downsample = true)]
[Lateral(BypassTunerKind.LoRA, Rank = 2, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 2)]
public partial class ZooBypassBlocks;

/// <summary>TorchVision's ResNet-18 has four stages: <c>layer5</c> is no child of it, which only the constructor can tell.</summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64, 128, 256, 512, 512 }, Classes = 10)]
[BypassTaps(Start = "maxpool", Taps = "layer1, layer2, layer3, layer4, layer5", Downsample = true)]
public partial class ZooBypassTypo;

/// <summary>A misspelled start module past the compiled type.</summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64 }, Classes = 10)]
[BypassTaps(Start = "maxpol", Taps = "layer1", Downsample = true)]
public partial class ZooBypassStartTypo;

/// <summary>
/// A re-entering zoo bypass: b_L replaces the input of the ResNet's own <c>avgpool</c>, whose pooling, flatten and
/// <c>fc</c> then finish the pass; a compiled module is a re-entry point too.
/// </summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 128, 256, 512 })]
[BypassTaps(Start = "layer2", Taps = "layer3, layer4", Output = "avgpool", Downsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 4), Vertical(BypassTunerKind.Adapter, Dim = 4, Residual = true)]
public partial class ZooBypassReentry;

/// <summary>Widths the compiler cannot check on a compiled type: layer2 has 128 channels, not 64.</summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64, 64 }, Classes = 10)]
[BypassTaps(Start = "maxpool", Taps = "layer1, layer2", Downsample = true)]
public partial class ZooBypassWrongWidth;

/// <summary>Taps listed against the order the backbone runs them: the first pass says so.</summary>
[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 128, 64 }, Classes = 10)]
[BypassTaps(Start = "maxpool", Taps = "layer2, layer1", Downsample = true)]
public partial class ZooBypassOutOfOrder;

/// <summary>
/// The generated zoo bypass against the same chain written out by hand in plain TorchSharp (float64): the stem and stages
/// reached through the ResNet's own registered children under no_grad, then per-pixel residual adapters, the downsample
/// steps and the pooled head as functional calls on the model's own weights. Same outputs and gradients; the backbone gets
/// none. A wrong name is refused at construction.
/// </summary>
public sealed class ModelZooBypassTests : IDisposable
{
    private readonly ScalarType previousDtype;

    public ModelZooBypassTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        previousDtype = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        manual_seed(13);
    }

    public void Dispose() => set_default_dtype(previousDtype);

    private static TorchSharp.Modules.ResNet Backbone()
    {
        var resnet = torchvision.models.resnet18(num_classes: 10);
        resnet.to(ScalarType.Float64);
        resnet.eval();
        return resnet;
    }

    private static void Randomize(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var p in module.parameters()) p.copy_(randn_like(p) * 0.3);
    }

    private static Tensor Adapter(ResAdapter a, Tensor x) =>
        nn.functional.linear(nn.functional.gelu(nn.functional.linear(x, a.Down.weight!, a.Down.bias)), a.Up.weight!, a.Up.bias);

    private static Tensor PerPixel(Func<Tensor, Tensor> tuner, Tensor maps) => tuner(maps.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);

    private static Tensor LoRA(LoRA lora, Tensor x)
    {
        var p = lora.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        return x.matmul(p["lora_A"].t()).matmul(p["lora_B"].t()) * (lora.Alpha / lora.Rank);
    }

    /// <summary>Modules of the zoo ResNet by registered path (its fields are private: only its registry names them).</summary>
    private static nn.Module<Tensor, Tensor> Child(nn.Module module, string path) =>
        (nn.Module<Tensor, Tensor>)module.named_modules().Single(m => m.name == path).module;

    /// <summary>x_0 (the stem up to the max pool) and x_1..x_4 (each stage), by hand under no_grad.</summary>
    private static Tensor[] TapsByHand(TorchSharp.Modules.ResNet net, Tensor images)
    {
        using var _ = no_grad();
        var x = Child(net, "maxpool").call(Child(net, "relu").call(Child(net, "bn1").call(Child(net, "conv1").call(images))));
        var taps = new List<Tensor> { x.detach() };
        foreach (var stage in new[] { "layer1", "layer2", "layer3", "layer4" })
        {
            x = Child(net, stage).call(x);
            taps.Add(x.detach());
        }
        return taps.ToArray();
    }

    /// <summary>Average pooling to the tap's size, then the 1x1 conv where the width grows (none where it stays).</summary>
    private static Tensor Downsample(DownsampleStage step, Tensor state, Tensor tap)
    {
        var pooled = state.shape[2] == tap.shape[2] ? state : nn.functional.avg_pool2d(state, kernel_size: state.shape[2] / tap.shape[2]);
        return step.Conv is { } conv ? nn.functional.conv2d(pooled, conv.weight!, conv.bias) : pooled;
    }

    [Fact]
    public void Zoo_bypass_over_every_stage_equals_the_hand_written_chain_and_leaves_the_backbone_without_gradient()
    {
        var net = Backbone();
        var model = new ZooBypass(net);
        Randomize(model);
        var images = randn(2, 3, 64, 64);

        var output = model.call(images);
        var x = TapsByHand(net, images);
        Assert.Equal(new[] { "maxpool", "layer1", "layer2", "layer3", "layer4" }, model.Source.TapNames);
        var b = x[0];
        for (var l = 1; l <= 4; l++)
        {
            var stage = model.Bypass.Stages[l - 1];
            var lateral = (ResAdapter)((PerPixel)((Residual)stage.Lateral).Inner).Inner;
            var vertical = (ResAdapter)((PerPixel)((Residual)stage.Vertical).Inner).Inner;
            var resized = Downsample((DownsampleStage)stage.Resize!, b, x[l]);
            b = (x[l] + PerPixel(t => Adapter(lateral, t), x[l])) + (resized + PerPixel(t => Adapter(vertical, t), resized));
        }
        var head = ((PooledHead)model.Bypass.Head!).Fc;
        var expected = nn.functional.linear(b.mean(new long[] { 2, 3 }), head.weight!, head.bias);

        Assert.Equal(ScalarType.Float64, output.dtype);
        Assert.Equal(new long[] { 2, 10 }, output.shape);
        Assert.Null(((DownsampleStage)model.Bypass.Stages[0].Resize!).Conv);   // layer1 keeps the stem's 64 channels
        AssertGradientsMatch(model, output, expected);
        Assert.All(net.parameters(), p => Assert.Null(p.grad));
        Assert.All(net.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(ZooBypass.TrainableParameterCount, model.CountParameters().Trainable);
    }

    [Fact]
    public void Zoo_bypass_starts_as_a_probe_on_the_last_stage()
    {
        var net = Backbone();
        var model = new ZooBypass(net);
        var images = randn(2, 3, 64, 64);

        using var _ = no_grad();
        var head = ((PooledHead)model.Bypass.Head!).Fc;
        var probe = nn.functional.linear(TapsByHand(net, images)[4].mean(new long[] { 2, 3 }), head.weight!, head.bias);
        Assert.True((model.call(images) - probe).abs().max().ToDouble() < 1e-10);
    }

    [Fact]
    public void Zoo_bypass_on_a_block_and_a_blocks_convolution_equals_the_hand_written_chain()
    {
        var net = Backbone();
        var model = new ZooBypassBlocks(net);
        Randomize(model);
        var images = randn(2, 3, 32, 32);

        var output = model.call(images);
        Tensor[] x;
        using (no_grad())
        {
            var stem = Child(net, "maxpool").call(Child(net, "relu").call(Child(net, "bn1").call(Child(net, "conv1").call(images))));
            var block = Child(net, "layer1").call(stem);
            // Inside layer2's second block: its conv2 reads the ReLU of bn1(conv1(.)) of the first block's output.
            var first = Child(net, "layer2.0").call(block);
            var inner = Child(net, "layer2.1.conv2").call(nn.functional.relu(Child(net, "layer2.1.bn1").call(Child(net, "layer2.1.conv1").call(first))));
            x = new[] { stem.detach(), block.detach(), inner.detach() };
        }
        var b = x[0];
        for (var l = 1; l <= 2; l++)
        {
            var stage = model.Bypass.Stages[l - 1];
            var lateral = (LoRA)((PerPixel)((Residual)stage.Lateral).Inner).Inner;
            var vertical = (ResAdapter)((PerPixel)stage.Vertical).Inner;
            var resized = Downsample((DownsampleStage)stage.Resize!, b, x[l]);
            b = (x[l] + PerPixel(t => LoRA(lateral, t), x[l])) + PerPixel(t => Adapter(vertical, t), resized);
        }
        var head = ((PooledHead)model.Bypass.Head!).Fc;
        var expected = nn.functional.linear(b.mean(new long[] { 2, 3 }), head.weight!, head.bias);

        Assert.Equal(new[] { "maxpool", "layer1.1", "layer2.1.conv2" }, model.Source.TapNames);
        Assert.Equal(new long[] { 2, 2 }, output.shape);
        AssertGradientsMatch(model, output, expected);
        Assert.All(net.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Zoo_multi_task_group_runs_the_backbone_once_and_equals_each_task()
    {
        var net = Backbone();
        var group = new ZooTasks(net);
        Randomize(group);
        var stems = 0;
        Child(net, "conv1").register_forward_hook((_, _, output) =>
        {
            stems++;
            return output;
        });
        var images = randn(2, 3, 32, 32);

        var outputs = group.ForwardAll(images);
        var stemsForAll = stems;
        var alone = new Tensor[] { group.ZooBypass.call(images), group.ZooBypassTwo.call(images) };

        Assert.Equal(1, stemsForAll);
        Assert.Equal(new long[] { 2, 10 }, outputs[0].shape);
        Assert.Equal(new long[] { 2, 2 }, outputs[1].shape);
        for (var i = 0; i < 2; i++) Assert.True((outputs[i] - alone[i]).abs().max().ToDouble() < 1e-12, $"task {i}");
        Assert.All(net.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Zoo_reentry_bypass_equals_the_backbones_own_finish_on_the_hand_written_chain()
    {
        var net = Backbone();
        var model = new ZooBypassReentry(net);
        Randomize(model);
        var images = randn(2, 3, 64, 64);

        var output = model.call(images);
        var x = TapsByHand(net, images);
        var taps = new[] { x[2], x[3], x[4] };   // layer2 (start), layer3, layer4
        var b = taps[0];
        for (var l = 1; l <= 2; l++)
        {
            var stage = model.Bypass.Stages[l - 1];
            var lateral = (ResAdapter)((PerPixel)((Residual)stage.Lateral).Inner).Inner;   // re-entering: laterals residual by default
            var vertical = (ResAdapter)((PerPixel)((Residual)stage.Vertical).Inner).Inner;
            var resized = Downsample((DownsampleStage)stage.Resize!, b, taps[l]);
            b = (taps[l] + PerPixel(t => Adapter(lateral, t), taps[l])) + (resized + PerPixel(t => Adapter(vertical, t), resized));
        }
        var expected = Child(net, "fc").call(Child(net, "avgpool").call(b).flatten(1));

        Assert.Equal(new long[] { 2, 10 }, output.shape);
        AssertGradientsMatch(model, output, expected);
        Assert.All(net.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void A_stage_the_zoo_ResNet_lacks_is_refused_at_construction_with_the_tap_the_type_and_the_nearest_names()
    {
        var net = Backbone();
        var error = Assert.Throws<InvalidOperationException>(() => new ZooBypassTypo(net));
        Assert.Contains("Tap 'layer5'", error.Message);
        Assert.Contains("ResNet", error.Message);
        Assert.Contains("has no registered child 'layer5'; nearest: layer1, layer2, layer3", error.Message);
        Assert.Contains("(registered: conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, flatten, fc)", error.Message);
        Assert.All(net.parameters(), p => Assert.True(p.requires_grad));   // refused before anything was hooked or frozen
    }

    [Fact]
    public void A_misspelled_start_inside_the_zoo_model_is_refused_at_construction()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ZooBypassStartTypo(Backbone()));
        Assert.Contains("Tap 'maxpol'", error.Message);
        Assert.Contains("has no registered child 'maxpol'; nearest: maxpool", error.Message);
    }

    [Fact]
    public void Zoo_taps_listed_out_of_order_are_reported_by_the_first_pass()
    {
        var model = new ZooBypassOutOfOrder(Backbone());
        var error = Assert.Throws<InvalidOperationException>(() => model.call(randn(1, 3, 32, 32)));
        Assert.Contains("Tap 'layer1' ran before 'layer2'", error.Message);
    }

    [Fact]
    public void A_width_that_does_not_match_a_zoo_tap_is_a_shape_error_naming_the_tap_on_the_first_pass()
    {
        var model = new ZooBypassWrongWidth(Backbone());
        var error = Assert.Throws<TunerShapeException>(() => model.call(randn(1, 3, 32, 32)));
        Assert.Contains("layer2", error.Message);
    }

    private static void AssertGradientsMatch(nn.Module model, Tensor output, Tensor expected)
    {
        Assert.True((output - expected).abs().max().ToDouble() < 1e-10, "outputs differ");
        var parameters = model.parameters().Where(p => p.requires_grad).ToArray();
        Assert.NotEmpty(parameters);
        var actual = torch.autograd.grad(new[] { output.square().sum() }, parameters, retain_graph: true);
        var reference = torch.autograd.grad(new[] { expected.square().sum() }, parameters, allow_unused: true);
        for (var i = 0; i < parameters.Length; i++)
        {
            Assert.NotNull(reference[i]);
            Assert.True((actual[i] - reference[i]).abs().max().ToDouble() < 1e-10, $"gradient {i} differs");
        }
    }
}
