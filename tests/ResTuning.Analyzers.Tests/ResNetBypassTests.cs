using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// The bypass down a convolutional network's stages, on the runtime's ResNet (<c>ResTuning.Backbones.ResNet</c>): the main
/// job's configuration raises nothing, and the mistakes a user makes on a CNN — a whole stage (a list of blocks) as a tap,
/// stages out of order, a start after the taps, a width per tap missing, a stage that does not exist, growing and
/// shrinking at once — are compile-time errors at their spans.
/// </summary>
public sealed class ResNetBypassTests
{
    private const string Adapters = "[Lateral(BypassTunerKind.Adapter, Dim = 8, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 8, Residual = true)]";

    private static string Bypass(string taps, string widths = "Widths = new[] { 64, 64, 128, 256, 512 }") =>
        Sources.Model($"[ResTuningBypass<ResTuning.Backbones.ResNet>({widths})]\n[BypassTaps({taps})]\n{Adapters}");

    [Fact]
    public Task The_main_jobs_bypass_over_the_four_stages_raises_nothing() =>
        Verify.Analyzer(Bypass("Start = \"maxpool\", Taps = \"layer1.1, layer2.1, layer3.1, layer4.2\", Downsample = true"));

    [Fact]
    public Task A_whole_stage_is_a_list_of_blocks_and_not_a_tap() =>
        Verify.Analyzer(Bypass("Start = \"maxpool\", Taps = \"layer1.1, layer2.1, layer3.1, {|#0:layer4|}\", Downsample = true"),
            Verify.Diagnostic("RT0007").WithLocation(0).WithMessage(
                "Tap 'layer4': a bypass tap cannot be attached to ModuleList<global::ResTuning.Backbones.ResNetBlock>: it must be an nn.Module<Tensor, Tensor>, " +
                "and a list of modules never runs as one: tap one of its elements, e.g. its last ('layer4.N')"));

    // The order of blocks within a stage is known at compile time (indices of one list); the order of different fields
    // (maxpool, layer1, layer2, ...) is the forward method's business, so it is checked when the taps first fire
    // (ResNetTapOrderTests in the generator's tests).
    [Fact]
    public Task Blocks_listed_against_their_order_in_a_stage_are_reported_at_the_later_one() =>
        Verify.Analyzer(Bypass("Start = \"maxpool\", Taps = \"layer1.1, layer2.1, layer3.1, {|#0:layer3.0|}\", Downsample = true", "Widths = new[] { 64, 64, 128, 256, 256 }"),
            Verify.Diagnostic("RT0031").WithLocation(0).WithMessage(
                "'layer3.0' runs before 'layer3.1' in the backbone but is listed after it; list the start and the taps in the order the backbone runs them"));

    [Fact]
    public Task A_start_after_a_tap_of_its_own_stage_is_reported() =>
        Verify.Analyzer(Bypass("Start = \"layer1.1\", Taps = \"{|#0:layer1.0|}, layer2.1, layer3.1, layer4.2\", Downsample = true"),
            Verify.Diagnostic("RT0031").WithLocation(0).WithMessage(
                "'layer1.0' runs before 'layer1.1' in the backbone but is listed after it; list the start and the taps in the order the backbone runs them"));

    [Fact]
    public Task Widths_must_give_one_width_per_stage_and_the_start() =>
        Verify.Analyzer(Bypass("Start = \"maxpool\", Taps = \"layer1.1, layer2.1, layer3.1, layer4.2\", Downsample = true", "Widths = {|#0:new[] { 64, 128, 256, 512 }|}"),
            Verify.Diagnostic("RT0035").WithLocation(0).WithMessage(
                "Widths of 'Tuned' has 4 entries but the bypass has 5 taps (x_0 and 4 after it); give one width per tap"));

    [Fact]
    public Task A_stage_that_does_not_exist_is_reported_with_the_registered_names() =>
        Verify.Analyzer(Bypass("Start = \"maxpool\", Taps = \"layer1.1, layer2.1, layer3.1, {|#0:layer5|}.1\", Downsample = true"),
            Verify.Diagnostic("RT0005").WithLocation(0).WithMessage("Tap 'layer5.1': 'layer5' is not a registered module of ResNet; did you mean 'layer1'?"));

    [Fact]
    public Task Downsampling_and_upsampling_at_once_is_reported() =>
        Verify.Analyzer(Bypass("Start = \"maxpool\", Taps = \"layer1.1, layer2.1, layer3.1, layer4.2\", Upsample = true, Downsample = {|#0:true|}"),
            Verify.Diagnostic("RT0008").WithLocation(0).WithMessage(
                "[BypassTaps]: Downsample must be false when Upsample is true (the taps either grow or shrink), but is True"));
}
