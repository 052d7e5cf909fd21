using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// RT0017–RT0021, the whole-model warnings of the parallel mode: each fires at the marked span on a bad example and
/// is silent on the fixed one.
/// </summary>
public sealed class ParallelCheckTests
{
    [Fact]
    public Task Duplicate_tuner_is_reported_on_the_repeat() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>(Features = 16)]
            [ResAdapter("blocks.*.mlp")]
            [{|#0:ResAdapter("blocks.*.mlp")|}]
            """),
            Verify.Diagnostic("RT0017").WithLocation(0).WithMessage(
                "[ResAdapter(\"blocks.*.mlp\")] repeats an earlier tuner of the same kind on tap 'blocks.*.mlp' with the same parameters; remove it, or change its parameters if a second tuner is meant"),
            // An exact copy also takes the first one's name on the same modules.
            Verify.Diagnostic("RT0026").WithLocation(0).WithArguments("[ResAdapter(\"blocks.*.mlp\")]", "[ResAdapter(\"blocks.*.mlp\")]", "adapter", "blocks.*.mlp"));

    [Fact]
    public Task Duplicate_tuner_is_found_whatever_the_spelling_of_equal_parameters() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [LoRA("blocks.0.attn.qkv", Rank = 4, Alpha = 8)]
            [{|RT0017:LoRA("blocks.0.attn.qkv", Alpha = 8.0, Rank = 4, Dropout = 0, Name = "copy")|}]
            """));

    [Theory]
    [InlineData("[ResAdapter(\"blocks.*.mlp\", Dim = 32, Name = \"wide\")]")]
    [InlineData("[ResAdapter(\"blocks.0..4.mlp\", Name = \"second\")]")]
    [InlineData("[ResAdapter(\"blocks.*.mlp\", Scale = TunerScaleKind.LearnedScalar, Name = \"scaled\")]")]
    public Task Second_tuner_with_other_parameters_or_tap_text_is_no_duplicate(string second) =>
        Verify.Analyzer(Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\")]\n" + second));

    [Fact]
    public Task Trainable_tap_is_reported_on_the_trainable_path() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [LoRA("head")]
            [Trainable({|#0:"head"|})]
            """),
            Verify.Diagnostic("RT0018").WithLocation(0).WithMessage(
                "[Trainable(\"head\")] keeps trainable the operator that [LoRA(\"head\")] is attached to; the tuner adds parameters next to a module that is trained anyway"));

    [Theory]
    [InlineData("blocks.*", "blocks.1.mlp")]
    [InlineData("blocks.0..2.mlp", "blocks.1.mlp")]
    [InlineData("blocks", "blocks.3.mlp")]
    [InlineData("blocks.2", "blocks.*.mlp")]
    public Task Trainable_module_containing_a_tap_is_reported(string trainable, string tap) =>
        Verify.Analyzer(Sources.Model($"[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"{tap}\")]\n[Trainable({{|RT0018:\"{trainable}\"|}})]"));

    [Theory]
    [InlineData("blocks.2..4.mlp", "blocks.0..2.mlp")]
    [InlineData("blocks.*.mlp.fc2", "blocks.*.mlp")]
    [InlineData("blocks.*.attn", "blocks.*.mlp")]
    [InlineData("extra.0.mlp", "blocks.0.mlp")]
    public Task Trainable_beside_or_inside_a_tap_is_not_reported(string trainable, string tap) =>
        Verify.Analyzer(Sources.Model($"[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"{tap}\")]\n[Trainable(\"{trainable}\")]"));

    [Fact]
    public Task Trainable_path_covered_by_another_is_reported() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [Trainable("blocks.*")]
            [Trainable({|#0:"blocks.1.mlp"|})]
            """),
            Verify.Diagnostic("RT0019").WithLocation(0).WithMessage(
                "[Trainable(\"blocks.1.mlp\")] selects only modules that [Trainable(\"blocks.*\")] already keeps trainable; remove it"));

    [Fact]
    public Task Repeated_trainable_path_is_reported_once_on_the_repeat() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [Trainable("norm")]
            [Trainable({|RT0019:"norm"|})]
            """));

    [Fact]
    public Task Wider_trainable_after_a_narrower_one_reports_the_narrower() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [Trainable({|RT0019:"blocks.0..2"|})]
            [Trainable("blocks.0..4")]
            """));

    [Fact]
    public Task Overlapping_trainable_paths_that_do_not_cover_each_other_are_not_reported() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [Trainable("blocks.0..3")]
            [Trainable("blocks.2..4")]
            """));

    [Fact]
    public Task Model_with_nothing_to_train_is_reported_on_its_name() =>
        Verify.Analyzer(Sources.Model("[ResTuning<Demo.TinyVit>]", "public partial class {|#0:Tuned|};"),
            Verify.Diagnostic("RT0020").WithLocation(0).WithMessage(
                "'Tuned' declares no tuner and no [Trainable] module: the whole backbone is frozen and the model has no trainable parameter"));

    [Fact]
    public Task Linear_probe_has_something_to_train() =>
        Verify.Analyzer(Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"head\")]"));

    [Fact]
    public Task Fixed_zero_scale_is_reported_on_the_scale_value() =>
        Verify.Analyzer(Sources.Model("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0.attn.qkv\", ScaleValue = {|#0:0|})]"),
            Verify.Diagnostic("RT0021").WithLocation(0).WithMessage(
                "[LoRA(\"blocks.0.attn.qkv\", ScaleValue = 0)]: a Fixed scale of 0 multiplies the tuner's output by 0, so it never changes the model and receives no gradient; use a learned scale or a non-zero ScaleValue"));

    [Theory]
    [InlineData("Scale = TunerScaleKind.LearnedScalar, ScaleValue = 0.0")]
    [InlineData("Scale = TunerScaleKind.LearnedPerChannel, ScaleValue = 0")]
    [InlineData("ScaleValue = 0.5")]
    public Task Learned_or_non_zero_scale_is_not_reported(string scale) =>
        Verify.Analyzer(Sources.Model($"[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0.attn.qkv\", {scale})]"));

    [Fact]
    public Task Warnings_do_not_repeat_errors_on_invalid_tuners() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuning<Demo.TinyVit>(Features = 16)]
            [ResAdapter("blocks.*.mlp", Dim = {|RT0008:0|})]
            [ResAdapter("blocks.*.mlp", Dim = {|RT0008:0|})]
            """));
}
