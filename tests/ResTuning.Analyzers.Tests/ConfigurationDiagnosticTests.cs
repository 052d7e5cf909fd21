using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// RT0001–RT0016 through the analyzer (ported from the generator's former DiagnosticTests): each bad configuration
/// gets exactly its diagnostic at the marked span, naming the offending element, and nothing else.
/// </summary>
public sealed class ConfigurationDiagnosticTests
{
    private static Task Single(string attributes, string declaration = "public partial class Tuned;") =>
        Verify.Analyzer(Sources.Model(attributes, declaration));

    private static Task Single(string attributes, string id, string message, string declaration = "public partial class Tuned;") =>
        Verify.Analyzer(Sources.Model(attributes, declaration), Verify.Diagnostic(id).WithLocation(0).WithMessage(message));

    [Fact]
    public Task Upsample_and_downsample_together_is_an_error_on_downsample() =>
        Single("[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\", Upsample = true, Downsample = {|#0:true|})]", "RT0008",
            "[BypassTaps]: Downsample must be false when Upsample is true (the taps either grow or shrink), but is True");

    [Fact]
    public Task Unresolved_segment_is_named_with_the_closest_registered_name() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.{|#0:mpl|}\", In = 16)]", "RT0005",
            "Tap 'blocks.*.mpl': 'mpl' is not a registered module of Block; did you mean 'mlp'?");

    [Fact]
    public Task Unresolved_segment_without_a_close_name_lists_the_children() =>
        Single("[ResTuning<Demo.TinyVit>]\n[Trainable(\"{|#0:classifier|}\")]", "RT0005",
            "Tap 'classifier': 'classifier' is not a registered module of TinyVit; registered children: stem, blocks, extra, norm, head, neck, task_heads");

    [Fact]
    public Task Component_name_replaces_the_field_name() =>
        Single("[ResTuning<Demo.TinyVit>]\n[Trainable(\"{|#0:final_norm|}\")]", "RT0005",
            "Tap 'final_norm': 'final_norm' is not a registered module of TinyVit; registered children: stem, blocks, extra, norm, head, neck, task_heads");

    [Fact]
    public Task Misspelled_trainable_path_suggests_the_registered_name() =>
        Single("[ResTuning<Demo.TinyVit>]\n[Trainable(\"{|#0:haed|}\")]", "RT0005",
            "Tap 'haed': 'haed' is not a registered module of TinyVit; did you mean 'head'?");

    [Fact]
    public Task Non_partial_class_is_reported_on_its_name() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", "public class {|RT0001:Tuned|};");

    [Fact]
    public Task Non_partial_containing_type_is_reported_on_the_model() =>
        Verify.Analyzer("""
            using ResTuning;

            public static class Outer
            {
                [ResTuning<Demo.TinyVit>]
                [ResAdapter("blocks.0.mlp", In = 16)]
                public partial class {|RT0001:Inner|};
            }
            """);

    [Fact]
    public Task Generic_class_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]", "RT0002", "'Tuned' must be a non-generic, non-static class: it is generic",
            "public partial class {|#0:Tuned|}<T>;");

    [Fact]
    public Task Other_base_class_is_left_to_the_generator() =>
        // RT0002 for a base class is the generator's (it comes with CS0534, which hides analyzer diagnostics in a command-line
        // build; see GeneratorDiagnosticTests): the analyzer must not report it a second time.
        Single("[ResTuning<Demo.TinyVit>]", "public partial class Tuned : System.Exception;");

    [Fact]
    public Task Model_attribute_without_its_type_argument_is_left_to_the_generator() =>
        // RT0027 is the generator's (CS0616 hides analyzer diagnostics in a command-line build; see GeneratorDiagnosticTests):
        // the analyzer adds nothing to the compiler's errors, and reports no RT0028 for the tuner of the would-be model.
        Single("[{|CS0616:ResTuning|}(Features = 64)]\n[ResAdapter(\"blocks.0.mlp\")]\n[{|CS0305:ResTuningBypass|}]");

    [Fact]
    public async Task Declaring_the_module_base_class_is_allowed()
    {
        var test = Verify.AnalyzerTest(Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]",
            "public partial class Tuned : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;"));
        // Without the generator the class lacks the constructor and forward it would emit: only the analyzer is checked here.
        test.CompilerDiagnostics = CompilerDiagnostics.None;
        await test.RunAsync();
    }

    [Fact]
    public Task Range_beyond_a_known_count_is_reported_on_the_range() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.{|#0:2..6|}.mlp\", In = 16)]", "RT0006",
            "Tap 'blocks.2..6.mlp': range 2..6 is out of bounds; 'blocks' has 4 elements");

    [Fact]
    public Task Index_beyond_a_known_count_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.{|RT0006:4|}.attn.qkv\")]");

    [Fact]
    public Task Empty_range_is_malformed() =>
        Single("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.{|RT0004:3..3|}.attn.qkv\")]");

    [Fact]
    public Task Trailing_dot_is_malformed() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.{|#0:|}\", In = 16)]", "RT0004",
            "Tap path 'blocks.*.' is malformed: a segment is empty (two dots in a row, or a leading or trailing dot)");

    [Theory]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Rank = {|#0:0|})]", "[LoRA(\"blocks.0.attn.qkv\")]: Rank must be positive, but is 0")]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Alpha = {|#0:-1|})]", "[LoRA(\"blocks.0.attn.qkv\")]: Alpha must be positive, but is -1")]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Dropout = {|#0:1.0|})]", "[LoRA(\"blocks.0.attn.qkv\")]: Dropout must be in [0, 1), but is 1")]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Dim = {|#0:-4|})]", "[ResAdapter(\"blocks.0.mlp\")]: Dim must be positive, but is -4")]
    [InlineData("[ResPrefix(\"blocks.0.attn\", Length = {|#0:0|})]", "[ResPrefix(\"blocks.0.attn\")]: Length must be positive, but is 0")]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Scale = {|#0:TunerScaleKind.Lambda|})]",
        "[ResAdapter(\"blocks.0.mlp\")]: Scale must be Fixed, LearnedScalar or LearnedPerChannel (Lambda is for Res-Prefix/Res-Prompt), but is Lambda")]
    public Task Parameter_out_of_range_is_reported_on_its_value(string attribute, string message) =>
        Single("[ResTuning<Demo.TinyVit>]\n" + attribute, "RT0008", message);

    [Fact]
    public Task LoRA_on_a_module_that_is_not_linear_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[LoRA({|#0:\"blocks.0.mlp\"|})]", "RT0007",
            "Tap 'blocks.0.mlp': LoRA cannot be attached to Mlp: LoRA needs a Linear or a Conv2d module");

    [Fact]
    public Task LoRA_on_a_Conv2d_with_a_per_channel_scale_is_reported_on_the_scale() =>
        Single("[ResTuning<ResTuning.Backbones.ResNet>]\n[LoRA(\"conv1\", Scale = {|#0:TunerScaleKind.LearnedPerChannel|})]", "RT0007",
            "Tap 'conv1': LoRA cannot be attached to Conv2d: a per-channel scale multiplies the last axis, which on a Conv2d's [N, C, H, W] output is the width; use Fixed or LearnedScalar");

    [Fact]
    public Task LoRA_on_a_Sequential_element_is_reported_as_checked_at_run_time() =>
        Single("[ResTuning<ResTuning.Backbones.ResNet>]\n[LoRA({|#0:\"layer2.0.downsample.0\"|})]", "RT0042",
            "Tap 'layer2.0.downsample.0': LoRA depends on what this module is, and its type Module<Tensor, Tensor> (an element of a Sequential, for one) does not say; the model checks it once, when it is constructed");

    [Fact]
    public Task An_adapter_on_a_Sequential_element_needs_no_run_time_check() =>
        Single("[ResTuning<ResTuning.Backbones.ResNet>]\n[ResAdapter(\"layer2.0.downsample.1\", In = 128)]");

    [Fact]
    public Task A_tap_inside_a_compiled_zoo_model_is_reported_as_checked_at_run_time_on_its_first_hidden_segment()
    {
        var test = Verify.AnalyzerTest(Sources.Model(
            "[ResTuning<TorchSharp.Modules.ResNet>]\n[LoRA(\"{|#0:fc|}\")]\n[LoRA(\"{|#1:layer4|}.1.conv2\", Rank = 2)]"));
        test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(TorchSharp.torchvision).Assembly.Location));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("RT0040").WithLocation(0).WithMessage(
            "Tap 'fc': 'fc' is looked up at run time: ResNet is a compiled type whose registered children the compiler cannot see; the model checks the path once, when it is constructed"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("RT0040").WithLocation(1).WithMessage(
            "Tap 'layer4.1.conv2': 'layer4' is looked up at run time: ResNet is a compiled type whose registered children the compiler cannot see; the model checks the path once, when it is constructed"));
        return test.RunAsync();
    }

    [Fact]
    public Task A_wildcard_inside_a_compiled_zoo_model_still_needs_the_compiler() =>
        ZooTest("[ResTuning<TorchSharp.Modules.ResNet>]\n[LoRA(\"{|#0:layer4|}.*.conv2\")]", "RT0005",
            "Tap 'layer4.*.conv2': 'layer4' is not a registered module of ResNet; ResNet is a compiled type whose children the compiler cannot see: past it a tap may use names and indices (looked up at run time, RT0040), not '*' or ranges");

    [Fact]
    public Task Bypass_taps_inside_a_compiled_zoo_model_are_reported_as_checked_at_run_time_on_their_first_hidden_segment()
    {
        var test = Verify.AnalyzerTest(Sources.Model(
            "[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64, 128, 256, 512 }, Classes = 10)]\n" +
            "[BypassTaps(Start = \"{|#0:maxpool|}\", Taps = \"{|#1:layer1|}, {|#2:layer2|}, {|#3:layer3|}.1, {|#4:layer4|}.1.conv2\", Downsample = true)]\n" +
            "[Lateral(BypassTunerKind.Adapter, Dim = 8, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 8, Residual = true)]"));
        test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(TorchSharp.torchvision).Assembly.Location));
        var taps = new[] { ("maxpool", "maxpool"), ("layer1", "layer1"), ("layer2", "layer2"), ("layer3.1", "layer3"), ("layer4.1.conv2", "layer4") };
        for (var i = 0; i < taps.Length; i++)
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("RT0040").WithLocation(i).WithMessage(
                $"Tap '{taps[i].Item1}': '{taps[i].Item2}' is looked up at run time: ResNet is a compiled type whose registered children the compiler cannot see; the model checks the path once, when it is constructed"));
        return test.RunAsync();
    }

    [Fact]
    public Task A_bypass_reentry_point_inside_a_compiled_zoo_model_is_checked_at_run_time_too()
    {
        var test = Verify.AnalyzerTest(Sources.Model(
            "[ResTuningBypass<TorchSharp.Modules.ResNet>(Widths = new[] { 64, 64 })]\n" +
            "[BypassTaps(Taps = \"{|#0:layer1|}\", Output = \"{|#1:layer2|}\")]"));
        test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(TorchSharp.torchvision).Assembly.Location));
        foreach (var (tap, location) in new[] { ("layer1", 0), ("layer2", 1) })
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("RT0040").WithLocation(location).WithMessage(
                $"Tap '{tap}': '{tap}' is looked up at run time: ResNet is a compiled type whose registered children the compiler cannot see; the model checks the path once, when it is constructed"));
        return test.RunAsync();
    }

    [Fact]
    public Task A_bypass_wildcard_inside_a_compiled_zoo_model_still_needs_the_compiler() =>
        ZooTest("[ResTuningBypass<TorchSharp.Modules.ResNet>(Features = 64)]\n[BypassTaps(Taps = \"{|#0:layer1|}.*\", Downsample = true)]", "RT0005",
            "Tap 'layer1.*': 'layer1' is not a registered module of ResNet; ResNet is a compiled type whose children the compiler cannot see: past it a tap may use names and indices (looked up at run time, RT0040), not '*' or ranges");

    [Fact]
    public Task A_bypass_range_inside_a_compiled_zoo_model_still_needs_the_compiler() =>
        ZooTest("[ResTuningBypass<TorchSharp.Modules.ResNet>(Features = 64)]\n[BypassTaps(Taps = \"{|#0:layer2|}.0..2\", Downsample = true)]", "RT0005",
            "Tap 'layer2.0..2': 'layer2' is not a registered module of ResNet; ResNet is a compiled type whose children the compiler cannot see: past it a tap may use names and indices (looked up at run time, RT0040), not '*' or ranges");

    private static Task ZooTest(string attributes, string id, string message)
    {
        var test = Verify.AnalyzerTest(Sources.Model(attributes));
        test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(TorchSharp.torchvision).Assembly.Location));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic(id).WithLocation(0).WithMessage(message));
        return test.RunAsync();
    }

    [Fact]
    public Task LoRA_on_a_Conv2d_is_valid() =>
        Single("[ResTuning<ResTuning.Backbones.ResNet>]\n[LoRA(\"conv1\", Rank = 4, Scale = TunerScaleKind.LearnedScalar)]");

    [Fact]
    public Task Prefix_on_a_module_that_is_not_an_attention_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResPrefix({|RT0007:\"blocks.0.mlp\"|})]");

    [Fact]
    public Task Name_after_a_module_list_is_a_segment_mismatch() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.{|#0:mlp|}\", In = 16)]", "RT0012",
            "Tap 'blocks.mlp': segment 'mlp' does not fit: 'blocks' is a ModuleList; expected an index, '*' or a range such as 0..6");

    [Fact]
    public Task Index_on_a_plain_module_is_a_segment_mismatch() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"head.{|RT0012:0|}\", In = 16)]");

    [Fact]
    public Task Adapter_width_that_cannot_be_inferred_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter({|RT0009:\"blocks.0.mlp\"|})]");

    [Fact]
    public Task Backbone_that_is_not_a_module_is_reported_on_the_type_argument() =>
        Single("[ResTuning<{|RT0003:string|}>]");

    [Fact]
    public Task Two_modes_on_one_class_conflict() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResTuningBypass<Demo.TinyVit>]\n[BypassTaps(Taps = \"blocks.*\")]", "public partial class {|RT0010:Tuned|};");

    [Fact]
    public Task Two_modes_on_a_non_partial_class_report_RT0001_once() =>
        // Both parsers find the missing partial; the analyzer reports it once, next to the conflict.
        Verify.Analyzer(Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResTuningBypass<Demo.TinyVit>]\n[BypassTaps(Taps = \"blocks.*\")]", "public class {|#0:Tuned|};"),
            Verify.Diagnostic("RT0001").WithLocation(0).WithArguments("Tuned"),
            Verify.Diagnostic("RT0010").WithLocation(0).WithArguments("Tuned", "ResTuning, ResTuningBypass"));

    [Fact]
    public Task Valid_bypass_raises_nothing() =>
        Single("[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Start = \"stem\", Taps = \"blocks.*\")]\n[Lateral(BypassTunerKind.Adapter, Dim = 8), Vertical(BypassTunerKind.Adapter, Dim = 8)]");

    [Fact]
    public Task Multi_task_member_that_is_no_bypass_model_is_reported() =>
        // TaskA is a valid bypass model; the group names Tuned, which is no bypass model (error).
        Verify.Analyzer(Sources.Model("""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            public partial class TaskA;

            [{|#0:ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), typeof(Tuned))|}]
            """),
            Verify.Diagnostic("RT0016").WithLocation(0).WithMessage("Multi-task model 'Tuned': task 'Tuned' must be a [ResTuningBypass<TinyVit>] model"));

    [Fact]
    public Task Bypass_without_taps_is_reported() =>
        Single("[ResTuningBypass<Demo.TinyVit>(Classes = 10)]", "public partial class {|RT0013:Tuned|};");

    [Fact]
    public Task Bypass_tap_is_resolved_like_a_parallel_tap() =>
        Single("[ResTuningBypass<Demo.TinyVit>]\n[BypassTaps(Start = \"stem\", Taps = \"{|RT0005:block|}.*\")]");

    [Fact]
    public Task Bypass_lambda_out_of_range_is_reported() =>
        Single("[ResTuningBypass<Demo.TinyVit>(Lambda = {|RT0008:1.5|})]\n[BypassTaps(Taps = \"blocks.*\")]");

    [Fact]
    public Task A_class_without_a_mode_attribute_is_not_analyzed_beyond_RT0028() =>
        // Its tap and parameters mean nothing without a backbone: only the missing model attribute is reported.
        Verify.Analyzer(Sources.Model("[{|RT0028:ResAdapter(\"blocks.*.nope\", Dim = -1)|}]", "public class Tuned;"));

    [Fact]
    public Task Tuner_attributes_on_a_class_without_a_model_attribute_are_reported_each() =>
        Verify.Analyzer(Sources.Model("""
            [{|#0:ResAdapter("blocks.*.mlp", Dim = 8)|}]
            [{|#1:LoRA("blocks.0.attn.qkv")|}, {|#2:Trainable("head")|}]
            [System.Obsolete]
            [{|#3:CustomTuner<Demo.ScaledBias>("blocks.*.mlp")|}]
            """, "public partial class Tuned;"),
            Verify.Diagnostic("RT0028").WithLocation(0).WithMessage(
                "[ResAdapter(\"blocks.*.mlp\", Dim = 8)] has no effect: 'Tuned' has no model attribute, so nothing is generated from it; add [ResTuning<TBackbone>] with the backbone's type to make it a model"),
            Verify.Diagnostic("RT0028").WithLocation(1).WithArguments("[LoRA(\"blocks.0.attn.qkv\")]", "Tuned", "ResTuning"),
            Verify.Diagnostic("RT0028").WithLocation(2).WithArguments("[Trainable(\"head\")]", "Tuned", "ResTuning"),
            Verify.Diagnostic("RT0028").WithLocation(3).WithArguments("[CustomTuner<Demo.ScaledBias>(\"blocks.*.mlp\")]", "Tuned", "ResTuning"));

    [Fact]
    public Task Bypass_attributes_on_a_class_without_a_model_attribute_name_the_bypass_attribute() =>
        Verify.Analyzer(Sources.Model("[{|#0:BypassTaps(Taps = \"blocks.*\")|}]\n[{|#1:Lateral(BypassTunerKind.LoRA)|}, {|#2:Vertical(BypassTunerKind.Identity)|}]", "public partial class Tuned;"),
            Verify.Diagnostic("RT0028").WithLocation(0).WithArguments("[BypassTaps(Taps = \"blocks.*\")]", "Tuned", "ResTuningBypass"),
            Verify.Diagnostic("RT0028").WithLocation(1).WithArguments("[Lateral(BypassTunerKind.LoRA)]", "Tuned", "ResTuningBypass"),
            Verify.Diagnostic("RT0028").WithLocation(2).WithArguments("[Vertical(BypassTunerKind.Identity)]", "Tuned", "ResTuningBypass"));

    [Theory]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mlp\", Dim = 8, In = 16)]\n[Trainable(\"head\")]")]
    [InlineData("[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n[Lateral(BypassTunerKind.LoRA), Vertical(BypassTunerKind.Identity)]")]
    public Task Tuner_attributes_on_a_model_raise_no_RT0028(string attributes) =>
        Verify.Analyzer(Sources.Model(attributes, "public partial class Tuned;\n\npublic partial class Tuned { }"));
}
