using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>
/// Stages tapped against the network's order: the compiler knows the order of blocks within a stage (RT0031), not the
/// order in which the forward method calls different fields, so this model builds and the first pass refuses it, naming
/// both taps, before any bypass output exists.
/// </summary>
[ResTuningBypass<ResTuning.Backbones.ResNet>(Widths = new[] { 64, 64, 256, 128, 512 }, Classes = 3)]
[BypassTaps(Start = "maxpool", Taps = "layer1.1, layer3.1, layer2.1, layer4.1", Downsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 4, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 4, Residual = true)]
public partial class NumResNetMisorderedBypass;

public sealed class ResNetTapOrderTests
{
    [Fact]
    public void Stages_tapped_against_the_forward_order_are_refused_on_the_first_pass_naming_both_taps()
    {
        using var net = new ResTuning.Backbones.ResNet(ResTuning.Backbones.ResNetConfig.ResNet18(classes: 0));
        net.eval();
        using var model = new NumResNetMisorderedBypass(net);
        using var images = randn(2, 3, 32, 32);

        var error = Assert.Throws<InvalidOperationException>(() => model.call(images));

        Assert.Contains("Tap 'layer2.1' ran before 'layer3.1': list the taps in the order the backbone runs them.", error.Message, StringComparison.Ordinal);
    }
}
