using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// Bad bypass and multi-task configurations (RT0030–RT0039, and RT0005/RT0037 on a bypass): each diagnostic at its exact span.
/// That a model with an RT error generates only its shell is the generator's behaviour, tested in the generator's tests.
/// </summary>
public sealed class BypassConfigurationTests
{
    private const string Adapters = "[Lateral(BypassTunerKind.Adapter, Dim = 8), Vertical(BypassTunerKind.Adapter, Dim = 8)]";

    private static string Bypass(string taps, string model = "Features = 16", string tuners = Adapters) =>
        Sources.Model($"[ResTuningBypass<Demo.TinyVit>({model})]\n[BypassTaps({taps})]\n{tuners}");

    [Fact]
    public Task A_valid_bypass_raises_nothing() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\"", "Classes = 10, Features = 16"));

    [Fact]
    public Task A_module_and_its_own_child_overlap() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*, {|#0:blocks.2.mlp|}\""),
            Verify.Diagnostic("RT0030").WithLocation(0).WithMessage(
                "Tap 'blocks.2.mlp' overlaps 'blocks.*': one is inside the other; tap each module once, and not a module together with its own child"));

    [Fact]
    public Task A_start_tapped_again_overlaps() =>
        Verify.Analyzer(Bypass("Start = \"blocks.0\", Taps = \"{|#0:blocks.0..3|}\""), Verify.Diagnostic("RT0030").WithLocation(0).WithMessage(
                "Tap 'blocks.0..3' overlaps 'blocks.0': they select common modules; tap each module once, and not a module together with its own child"));

    [Fact]
    public Task Taps_listed_against_the_list_order_are_reported_at_the_later_one() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.3, {|#0:blocks.1|}\""), Verify.Diagnostic("RT0031").WithLocation(0).WithMessage(
                "'blocks.1' runs before 'blocks.3' in the backbone but is listed after it; list the start and the taps in the order the backbone runs them"));

    [Fact]
    public Task A_start_after_the_taps_is_reported() =>
        Verify.Analyzer(Bypass("Start = \"blocks.3\", Taps = \"{|#0:blocks.0..2|}\""), Verify.Diagnostic("RT0031").WithLocation(0).WithMessage(
                "'blocks.0..2' runs before 'blocks.3' in the backbone but is listed after it; list the start and the taps in the order the backbone runs them"));

    [Fact]
    public Task An_output_before_the_last_tap_is_reported() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.2..4\", Output = {|#0:\"blocks.1\"|}"),
            Verify.Diagnostic("RT0032").WithLocation(0).WithMessage(
                "Output 'blocks.1' runs before the tap 'blocks.2..4'; the bypass output can only re-enter the backbone after its last tap 'blocks.2..4'"));

    [Fact]
    public Task An_output_inside_a_tap_is_reported() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\", Output = {|#0:\"blocks.3.mlp\"|}"), Verify.Diagnostic("RT0032").WithLocation(0).WithMessage(
                "Output 'blocks.3.mlp' overlaps the tap 'blocks.*'; the bypass output can only re-enter the backbone after its last tap 'blocks.*'"));

    [Fact]
    public Task A_bypass_tuner_kind_outside_the_enum_is_out_of_range() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\"", tuners: "[Lateral({|#0:(BypassTunerKind)7|})]"), Verify.Diagnostic("RT0008").WithLocation(0).WithMessage(
                "[Lateral]: the tuner kind must be a BypassTunerKind, but is 7"));

    [Fact]
    public Task An_unknown_width_is_reported_on_the_class() =>
        Verify.Analyzer(Sources.Model("[ResTuningBypass<Demo.TinyVit>(Classes = 3)]\n[BypassTaps(Taps = \"blocks.*\")]", "public partial class {|#0:Tuned|};"),
            Verify.Diagnostic("RT0034").WithLocation(0).WithMessage(
                "Bypass model 'Tuned' needs the width of its taps for its lateral tuners and its vertical tuners and its head; set Features (every tap the same width) or Widths (one per tap)"));

    [Fact]
    public Task Identity_tuners_without_a_head_need_no_width() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\"", "", "[Lateral(BypassTunerKind.Identity), Vertical(BypassTunerKind.Identity)]"));

    [Fact]
    public Task Widths_must_match_the_tap_count() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.1, blocks.3\"", "Widths = {|#0:new[] { 16, 16 }|}"), Verify.Diagnostic("RT0035").WithLocation(0).WithMessage(
                "Widths of 'Tuned' has 2 entries but the bypass has 3 taps (x_0 and 2 after it); give one width per tap"));

    [Fact]
    public Task Widths_need_a_compile_time_tap_count() =>
        Verify.Analyzer(Bypass("Taps = \"extra.*\"", "Widths = {|#0:new[] { 16, 16 }|}"), Verify.Diagnostic("RT0035").WithLocation(0).WithMessage(
                "Widths of 'Tuned' need the number of taps at compile time; tap explicit indices or a list with [ModuleCount], or use Features"));

    [Fact]
    public Task Trainable_on_a_bypass_model_is_a_warning() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\"", tuners: Adapters + "\n[{|#0:Trainable(\"head\")|}]"),
            Verify.Diagnostic("RT0037").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithMessage(
                "[Trainable(\"head\")] has no effect on bypass model 'Tuned': the bypass backbone runs frozen without autograd; train a head or the bypass instead"));

    // Every parallel tuner kind is known by its registration, so none is left out (a [CustomTuner] was, before tuner kinds became units).
    [Theory]
    [InlineData("CustomTuner<Demo.ScaledBias>(\"blocks.0.mlp\")")]
    [InlineData("ChannelAdapter(\"blocks.0.mlp\", In = 16)")]
    [InlineData("DoRA(\"blocks.0.mlp.fc1\", Rank = 2)")]
    public Task A_parallel_tuner_on_a_bypass_model_is_a_warning(string tuner) =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\"", tuners: Adapters + $"\n[{{|#0:{tuner}|}}]"),
            Verify.Diagnostic("RT0037").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithMessage(
                $"[{tuner}] has no effect on bypass model 'Tuned': the bypass backbone runs frozen without autograd; use [Lateral]/[Vertical] for the bypass tuners, or [ResTuning<T>] for parallel tuners"));

    [Fact]
    public Task The_start_must_name_one_module() =>
        Verify.Analyzer(Bypass("Start = {|#0:\"extra.*\"|}, Taps = \"blocks.*\""), Verify.Diagnostic("RT0038").WithLocation(0).WithMessage(
                "Start 'extra.*' must name exactly one module, but it selects several modules"));

    [Fact]
    public Task A_tap_of_a_comma_list_is_reported_at_its_own_segment() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.0,  blocks.1.{|#0:mpl|}\""), Verify.Diagnostic("RT0005").WithLocation(0).WithMessage(
                "Tap 'blocks.1.mpl': 'mpl' is not a registered module of Block; did you mean 'mlp'?"));

    [Fact]
    public Task A_head_on_a_re_entering_bypass_is_reported_on_classes() =>
        Verify.Analyzer(Bypass("Taps = \"blocks.*\", Output = \"norm\"", "Classes = {|#0:10|}, Features = 16"), Verify.Diagnostic("RT0039").WithLocation(0).WithMessage(
                "Bypass model 'Tuned' declares Classes = 10 and Output = 'norm': a re-entering bypass ends in the backbone's own head; remove Classes, or remove Output to classify b_L with a new head"));
}
