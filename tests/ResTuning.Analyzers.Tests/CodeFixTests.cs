using System.Threading.Tasks;
using ResTuning.Analyzers.CodeFixes;
using ResTuning.Analyzers.Tests.Support;
using ResTuning.Generators.Model;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// Every code fix turns its bad example into the fixed one, on which the analyzer is then silent (checked by the
/// testing framework, including the fix-all pass).
/// </summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task Add_partial_to_the_model() =>
        Verify.CodeFix<AddPartialCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\")]", "public sealed class {|RT0001:Tuned|};"),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\")]", "public sealed partial class Tuned;"));

    [Fact]
    public Task Add_partial_to_a_model_without_modifiers() =>
        Verify.CodeFix<AddPartialCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\")]", "class {|RT0001:Tuned|};"),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\")]", "partial class Tuned;"));

    [Fact]
    public Task Add_partial_to_every_containing_type() =>
        Verify.CodeFix<AddPartialCodeFix>("""
            using ResTuning;

            namespace Demo.Models;

            public static class Outer
            {
                internal class Middle
                {
                    [ResTuning<Demo.TinyVit>]
                    [Trainable("head")]
                    public class {|RT0001:Inner|};
                }
            }
            """, """
            using ResTuning;

            namespace Demo.Models;

            public static partial class Outer
            {
                internal partial class Middle
                {
                    [ResTuning<Demo.TinyVit>]
                    [Trainable("head")]
                    public partial class Inner;
                }
            }
            """);

    [Theory]
    [InlineData("[ResAdapter(\"blocks.*.{|RT0005:mpl|}\", In = 16)]", "[ResAdapter(\"blocks.*.mlp\", In = 16)]")]
    [InlineData("[Trainable(\"{|RT0005:haed|}\")]", "[Trainable(\"head\")]")]
    [InlineData("[LoRA(\"blocks.0.attn.{|RT0005:qvk|}\")]", "[LoRA(\"blocks.0.attn.qkv\")]")]
    public Task Use_the_suggested_tap_name(string bad, string fixedAttribute) =>
        Verify.CodeFix<UseSuggestedTapNameCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n" + bad),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n" + fixedAttribute));

    [Fact]
    public Task No_tap_name_is_offered_without_a_close_one() =>
        // The fixed state equals the bad one: no code action may be offered.
        Verify.CodeFix<UseSuggestedTapNameCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"{|RT0005:classifier|}\")]"),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"{|RT0005:classifier|}\")]"));

    [Theory]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Dim = {|RT0008:0|})]", "[ResAdapter(\"blocks.0.mlp\", In = 16, Dim = 1)]")]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Dim = {|RT0008:-4|})]", "[ResAdapter(\"blocks.0.mlp\", In = 16, Dim = 1)]")]
    [InlineData("[ResAdapter(\"head\", In = {|RT0008:-16|})]", "[ResAdapter(\"head\", In = 0)]")]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Dropout = {|RT0008:1.5|})]", "[ResAdapter(\"blocks.0.mlp\", In = 16, Dropout = 0.0)]")]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Rank = {|RT0008:0|}, Alpha = {|RT0008:-1|})]", "[LoRA(\"blocks.0.attn.qkv\", Rank = 1, Alpha = 1.0)]")]
    [InlineData("[ResPrefix(\"blocks.0.attn\", Length = {|RT0008:0|}, InitStd = {|RT0008:-0.5|})]", "[ResPrefix(\"blocks.0.attn\", Length = 1, InitStd = 0.0)]")]
    public Task Clamp_a_parallel_parameter_to_its_nearest_valid_value(string bad, string fixedAttribute) =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n" + bad),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n" + fixedAttribute));

    [Fact]
    public Task Clamp_the_bypass_lambda_into_the_unit_interval() =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuningBypass<Demo.TinyVit>(Features = 16, Lambda = {|RT0008:2|})]\n[BypassTaps(Taps = \"blocks.*\")]"),
            // With the error gone, the bypass is valid.
            Sources.Model("[ResTuningBypass<Demo.TinyVit>(Features = 16, Lambda = 1.0)]\n[BypassTaps(Taps = \"blocks.*\")]"));

    [Fact]
    public Task A_bypass_that_both_upsamples_and_downsamples_keeps_upsampling() =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\", Upsample = true, Downsample = {|RT0008:true|})]"),
            Sources.Model("[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\", Upsample = true, Downsample = false)]"));

    [Fact]
    public Task Clamp_the_model_features() =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = {|RT0008:-8|})]\n[Trainable(\"head\")]"),
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 0)]\n[Trainable(\"head\")]"));

    [Fact]
    public void No_valid_value_is_offered_where_none_is_obvious()
    {
        Assert.Null(ParameterRange.Positive.NearestValid(double.NaN));
        Assert.Null(ParameterRange.Positive.NearestValid(3));
        // A bypass's width without Widths is the user's to state.
        Assert.Null(ParameterRange.BypassFeatures(widthsGiven: false).NearestValid(-4));
        Assert.Equal("0", ParameterRange.BypassFeatures(widthsGiven: true).NearestValid(-4));
    }

    [Fact]
    public Task Reset_an_undefined_scale_kind_to_fixed() =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", Scale = {|RT0008:(TunerScaleKind)7|})]"),
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", Scale = TunerScaleKind.Fixed)]"));

    [Fact]
    public Task Reset_a_non_finite_scale_value_to_one() =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", ScaleValue = {|RT0008:double.NaN|})]"),
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", ScaleValue = 1.0)]"));

    [Fact]
    public Task Replace_the_characters_a_tuner_name_cannot_hold() =>
        Verify.CodeFix<ClampParameterCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", Name = {|RT0008:\"wide-adapter\"|})]"),
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", Name = \"wide_adapter\")]"));

    [Fact]
    public Task Remove_a_duplicate_tuner() =>
        // A named copy: RT0017 alone (an unnamed copy also gets RT0026, see ParallelCheckTests; the same fix removes it).
        Verify.CodeFix<RemoveRedundantAttributeCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\")]\n[{|RT0017:ResAdapter(\"blocks.*.mlp\", Name = \"copy\")|}]"),
            Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\")]"));

    [Fact]
    public Task Remove_a_duplicate_tuner_from_a_shared_attribute_list() =>
        Verify.CodeFix<RemoveRedundantAttributeCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\"), LoRA(\"blocks.0.attn.qkv\"), {|RT0017:LoRA(\"blocks.0.attn.qkv\", Name = \"copy\")|}]"),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\"), LoRA(\"blocks.0.attn.qkv\")]"));

    [Fact]
    public Task Remove_a_covered_trainable_path() =>
        Verify.CodeFix<RemoveRedundantAttributeCodeFix>(
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"blocks.*\")]\n[Trainable({|RT0019:\"blocks.1.mlp\"|})]"),
            Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"blocks.*\")]"));
}
