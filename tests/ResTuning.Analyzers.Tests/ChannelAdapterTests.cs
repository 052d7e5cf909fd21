using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// <c>[ChannelAdapter]</c>: RT0041 on the tap when the module tells no channels and none are stated; silent on a Conv2d, a
/// ResNetBlock, or any module with <c>In</c> stated; its parameters checked like a Res-Adapter's (RT0008, RT0007).
/// </summary>
public sealed class ChannelAdapterTests
{
    [Fact]
    public Task Channels_that_the_module_does_not_tell_are_reported_on_the_tap() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [ChannelAdapter({|#0:"blocks.0.mlp"|}, Dim = 4)]
            """),
            Verify.Diagnostic("RT0041").WithLocation(0).WithMessage(
                "Tap 'blocks.0.mlp': a channel adapter cannot read the channels of a Mlp; it reads them from a Conv2d or a ResNetBlock, so set In (and Out, Stride) on the attribute"));

    [Fact]
    public Task Stated_channels_fix_it() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [ChannelAdapter("blocks.0.mlp", Dim = 4, In = 16)]
            """));

    [Theory]
    [InlineData("conv1")]
    [InlineData("layer1.*")]
    [InlineData("layer2.0")]
    [InlineData("layer4.*.conv2")]
    public Task A_conv_or_a_ResNet_block_tells_its_channels(string tap) =>
        Verify.Analyzer(Sources.Model($"[ResTuning<ResTuning.Backbones.ResNet>]\n[ChannelAdapter(\"{tap}\", Dim = 8)]"));

    [Fact]
    public Task Parameters_out_of_range_are_reported_on_their_arguments() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<ResTuning.Backbones.ResNet>]
            [ChannelAdapter("layer1.*", Dim = {|#0:0|}, Stride = {|#1:-1|}, Dropout = {|#2:1.0|})]
            """),
            Verify.Diagnostic("RT0008").WithLocation(0).WithArguments("[ChannelAdapter(\"layer1.*\")]", "Dim", "positive", "0"),
            Verify.Diagnostic("RT0008").WithLocation(1).WithArguments("[ChannelAdapter(\"layer1.*\")]", "Stride", "positive, or 0 to infer", "-1"),
            Verify.Diagnostic("RT0008").WithLocation(2).WithArguments("[ChannelAdapter(\"layer1.*\")]", "Dropout", "in [0, 1)", "1"));

    [Fact]
    public Task A_per_channel_scale_is_refused_on_feature_maps() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<ResTuning.Backbones.ResNet>]
            [ChannelAdapter("layer1.*", Scale = {|#0:TunerScaleKind.LearnedPerChannel|})]
            """),
            Verify.Diagnostic("RT0007").WithLocation(0).WithArguments("layer1.*", "channel adapter", "ResNetBlock",
                "a per-channel scale multiplies the last axis, which on an [N, C, H, W] feature map is the width; use Fixed or LearnedScalar"));

    [Fact]
    public Task On_a_class_that_is_no_model_it_is_reported_as_unattached() =>
        Verify.Analyzer(Sources.Model("[{|RT0028:ChannelAdapter(\"layer1.*\")|}]", "public class Tuned;"));
}
