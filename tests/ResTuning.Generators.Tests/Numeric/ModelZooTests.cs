using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>TorchVision's own ResNet (TorchSharp's model zoo), whose children are private fields of a compiled type.</summary>
[ResTuning<TorchSharp.Modules.ResNet>]
[LoRA("fc", Rank = 4, ZeroInit = false)]
[LoRA("layer4.1.conv2", Rank = 2, ZeroInit = false)]
[Trainable("layer4.1.bn2")]
public partial class ZooResNetLoRA;

/// <summary>A tap name that is no child of TorchVision's ResNet: only the constructor can tell.</summary>
[ResTuning<TorchSharp.Modules.ResNet>]
[LoRA("fc2")]
public partial class ZooResNetTypo;

/// <summary>A tap that reaches a module LoRA cannot take.</summary>
[ResTuning<TorchSharp.Modules.ResNet>]
[LoRA("layer1.0.bn1")]
public partial class ZooResNetNotLinear;

/// <summary>
/// The DSL on TorchSharp's model zoo: taps inside <c>TorchSharp.Modules.ResNet</c> (TorchVision 0.107) are looked up in its
/// registered children when the model is constructed (RT0040), the tuners run, merge exactly, and a wrong path is an error
/// there that names it.
/// </summary>
public sealed class ModelZooTests : IDisposable
{
    public ModelZooTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        manual_seed(7);
    }

    public void Dispose()
    {
    }

    private static TorchSharp.Modules.ResNet Backbone()
    {
        var resnet = torchvision.models.resnet18(num_classes: 10);
        resnet.eval();
        return resnet;
    }

    [Fact]
    public void Taps_inside_TorchVisions_ResNet_resolve_at_construction_and_their_LoRAs_run_and_merge()
    {
        var backbone = Backbone();
        var x = randn(2, 3, 64, 64);
        var plain = backbone.call(x).detach().clone();
        var model = new ZooResNetLoRA(backbone);
        model.eval();

        Assert.IsType<ResTuning.Tuners.LoRA>(model.Taps["fc"].Tuner("lora"));
        var conv = Assert.IsType<ConvLoRA>(model.Taps["layer4.1.conv2"].Tuner("lora"));
        Assert.Equal(new long[] { 2, 512, 3, 3 }, conv.A.shape);
        var trainable = model.NamedTrainableParameters().Select(p => p.Name).ToHashSet();
        Assert.Contains("backbone.layer4.1.bn2.weight", trainable);
        Assert.DoesNotContain("backbone.fc.weight", trainable);

        var tuned = model.call(x).detach().clone();
        Assert.False(allclose(tuned, plain));   // both LoRAs start non-zero: the hooks ran

        model.Merge();
        Assert.True(allclose(model.call(x), tuned, rtol: 1e-4, atol: 1e-5));
        model.Unmerge();
        using (model.DisableTuners()) Assert.True(model.call(x).eq(plain).all().item<bool>());
        Assert.Same(backbone, model.Unload());
        Assert.True(backbone.call(x).eq(plain).all().item<bool>());
    }

    [Fact]
    public void A_wrong_name_inside_the_zoo_model_is_refused_at_construction_with_the_tap_and_the_nearest_names()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ZooResNetTypo(Backbone()));
        Assert.Contains("Tap 'fc2'", error.Message);
        Assert.Contains("ResNet", error.Message);
        Assert.Contains("has no registered child 'fc2'; nearest: fc", error.Message);
    }

    [Fact]
    public void A_LoRA_on_a_zoo_module_that_is_neither_Linear_nor_Conv2d_is_refused_at_construction()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ZooResNetNotLinear(Backbone()));
        Assert.Contains("Tap 'layer1.0.bn1'", error.Message);
        Assert.Contains("needs a Linear or a Conv2d", error.Message);
    }
}
