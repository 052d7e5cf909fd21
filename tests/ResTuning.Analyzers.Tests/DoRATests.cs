using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// <c>[DoRA]</c>: RT0007 on the tap when the module is not a Linear (a Conv2d included, unlike LoRA); silent on a Linear;
/// its parameters checked like a LoRA's (RT0008).
/// </summary>
public sealed class DoRATests
{
    [Fact]
    public Task A_DoRA_on_a_module_that_is_not_a_Linear_is_reported_on_the_tap() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [DoRA({|#0:"blocks.0.mlp"|}, Rank = 4)]
            """),
            Verify.Diagnostic("RT0007").WithLocation(0).WithMessage(
                "Tap 'blocks.0.mlp': DoRA cannot be attached to Mlp: DoRA needs a Linear module"));

    [Fact]
    public Task A_DoRA_on_a_Conv2d_is_reported_on_the_tap() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<ResTuning.Backbones.ResNet>]
            [DoRA({|#0:"conv1"|})]
            """),
            Verify.Diagnostic("RT0007").WithLocation(0).WithArguments("conv1", "DoRA", "Conv2d", "DoRA needs a Linear module"));

    [Theory]
    [InlineData("blocks.0.attn.qkv")]
    [InlineData("blocks.*.mlp.fc1")]
    public Task A_DoRA_on_a_Linear_is_silent(string tap) =>
        Verify.Analyzer(Sources.Model($"[ResTuning<Demo.TinyVit>]\n[DoRA(\"{tap}\", Rank = 4, Alpha = 8)]"));

    [Fact]
    public Task Parameters_out_of_range_are_reported_on_their_arguments() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [DoRA("blocks.0.attn.qkv", Rank = {|#0:0|}, Alpha = {|#1:-1|}, Dropout = {|#2:1.0|})]
            """),
            Verify.Diagnostic("RT0008").WithLocation(0).WithArguments("[DoRA(\"blocks.0.attn.qkv\")]", "Rank", "positive", "0"),
            Verify.Diagnostic("RT0008").WithLocation(1).WithArguments("[DoRA(\"blocks.0.attn.qkv\")]", "Alpha", "positive", "-1"),
            Verify.Diagnostic("RT0008").WithLocation(2).WithArguments("[DoRA(\"blocks.0.attn.qkv\")]", "Dropout", "in [0, 1)", "1"));

    [Fact]
    public Task On_a_class_that_is_no_model_it_is_reported_as_unattached() =>
        Verify.Analyzer(Sources.Model("[{|RT0028:DoRA(\"blocks.0.attn.qkv\")|}]", "public class Tuned;"));
}
