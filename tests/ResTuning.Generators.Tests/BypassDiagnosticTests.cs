using Microsoft.CodeAnalysis;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// Bad bypass and multi-task configurations (RT0030-RT0038): one diagnostic each, at the exact span, and no model (only
/// its shell, which compiles).
/// </summary>
public sealed class BypassDiagnosticTests
{
    private const string Adapters = "[Lateral(TunerKind.Adapter, Dim = 8), Vertical(TunerKind.Adapter, Dim = 8)]";

    /// <summary>Runs the generator and asserts one diagnostic <paramref name="id"/> over the first <paramref name="needle"/> after <paramref name="after"/>.</summary>
    private static Diagnostic Single(string attributes, string id, string needle, string after = "")
    {
        var model = Sources.Model(attributes);
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Empty(result.GeneratorDiagnostics);
        var diagnostic = Assert.Single(result.ConfigurationDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        var from = after.Length == 0 ? 0 : model.IndexOf(after, StringComparison.Ordinal) + after.Length;
        var start = model.IndexOf(needle, from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{needle}' not in the model source");
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(start, needle.Length), diagnostic.Location.SourceSpan);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Assert.Empty(result.Models);
            Assert.Empty(result.CompilerProblems());
        }
        return diagnostic;
    }

    [Fact]
    public void Valid_bypass_generates_its_model()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model($"[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n{Adapters}"));

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
        Assert.Contains("CreateTapSource", Assert.Single(result.Sources).SourceText.ToString());
    }

    [Fact]
    public void Module_and_its_own_child_overlap()
    {
        var d = Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*, blocks.2.mlp\")]\n{Adapters}", "RT0030", "blocks.2.mlp");
        Assert.Equal("Tap 'blocks.2.mlp' overlaps 'blocks.*': one is inside the other; tap each module once, and not a module together with its own child", d.GetMessage());
    }

    [Fact]
    public void Start_tapped_again_overlaps() =>
        Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Start = \"blocks.0\", Taps = \"blocks.0..3\")]\n{Adapters}", "RT0030", "blocks.0..3");

    [Fact]
    public void Taps_listed_against_the_list_order_are_reported()
    {
        var d = Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.3, blocks.1\")]\n{Adapters}", "RT0031", "blocks.1", after: "blocks.3");
        Assert.StartsWith("'blocks.1' runs before 'blocks.3'", d.GetMessage());
    }

    [Fact]
    public void Start_after_the_taps_is_reported() =>
        Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Start = \"blocks.3\", Taps = \"blocks.0..2\")]\n{Adapters}", "RT0031", "blocks.0..2");

    [Fact]
    public void Output_before_the_last_tap_is_reported()
    {
        var d = Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.2..4\", Output = \"blocks.1\")]\n{Adapters}", "RT0032", "\"blocks.1\"");
        Assert.Equal("Output 'blocks.1' runs before the tap 'blocks.2..4'; the bypass output can only re-enter the backbone after its last tap 'blocks.2..4'", d.GetMessage());
    }

    [Fact]
    public void Output_inside_a_tap_is_reported() =>
        Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\", Output = \"blocks.3.mlp\")]\n{Adapters}", "RT0032", "\"blocks.3.mlp\"");

    [Fact]
    public void Prefix_cannot_be_a_bypass_tuner()
    {
        var d = Single("[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n[Lateral(TunerKind.Prefix)]", "RT0033", "TunerKind.Prefix");
        Assert.Contains("use TunerKind.Adapter, TunerKind.LoRA or TunerKind.Identity", d.GetMessage());
    }

    [Fact]
    public void Unknown_width_is_reported_on_the_class()
    {
        var d = Single("[ResTuningBypass<Demo.TinyVit>(Classes = 3)]\n[BypassTaps(Taps = \"blocks.*\")]", "RT0034", "Tuned");
        Assert.Contains("its lateral tuners and its vertical tuners and its head", d.GetMessage());
    }

    [Fact]
    public void Identity_tuners_without_head_need_no_width()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuningBypass<Demo.TinyVit>]\n[BypassTaps(Taps = \"blocks.*\")]\n[Lateral(TunerKind.Identity), Vertical(TunerKind.Identity)]"));

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
    }

    [Fact]
    public void Widths_must_match_the_tap_count()
    {
        var d = Single($"[ResTuningBypass<Demo.TinyVit>(Widths = new[] {{ 16, 16 }})]\n[BypassTaps(Taps = \"blocks.1, blocks.3\")]\n{Adapters}", "RT0035", "new[] { 16, 16 }");
        Assert.Contains("has 2 entries but the bypass has 3 taps", d.GetMessage());
    }

    [Fact]
    public void Widths_need_a_compile_time_tap_count() =>
        Single($"[ResTuningBypass<Demo.TinyVit>(Widths = new[] {{ 16, 16 }})]\n[BypassTaps(Taps = \"extra.*\")]\n{Adapters}", "RT0035", "new[] { 16, 16 }");

    [Fact]
    public void Trainable_on_a_bypass_model_is_a_warning()
    {
        var model = Sources.Model($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n{Adapters}\n[Trainable(\"head\")]");
        var result = Harness.Run(Sources.Backbone, model);

        var d = Assert.Single(result.ConfigurationDiagnostics);
        Assert.Equal(("RT0037", DiagnosticSeverity.Warning), (d.Id, d.Severity));
        Assert.Equal("Trainable(\"head\")", model.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Single(result.Sources);
    }

    // Every parallel tuner kind is known by its registration, so none is left out (a [CustomTuner] was, before tuner kinds became units).
    [Theory]
    [InlineData("CustomTuner<Demo.ScaledBias>(\"blocks.0.mlp\")")]
    [InlineData("ChannelAdapter(\"blocks.0.mlp\", In = 16)")]
    [InlineData("DoRA(\"blocks.0.mlp.fc1\", Rank = 2)")]
    public void A_parallel_tuner_on_a_bypass_model_is_a_warning(string tuner)
    {
        var model = Sources.Model($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n{Adapters}\n[{tuner}]");
        var result = Harness.Run(Sources.Backbone, model);

        var d = Assert.Single(result.ConfigurationDiagnostics);
        Assert.Equal(("RT0037", DiagnosticSeverity.Warning), (d.Id, d.Severity));
        Assert.Equal(tuner, model.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Single(result.Sources);
    }

    [Fact]
    public void Start_must_name_one_module() =>
        Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Start = \"extra.*\", Taps = \"blocks.*\")]\n{Adapters}", "RT0038", "\"extra.*\"");

    [Fact]
    public void Tap_of_a_comma_list_is_reported_at_its_own_segment() =>
        Single($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.0,  blocks.1.mpl\")]\n{Adapters}", "RT0005", "mpl");

    [Fact]
    public void Multi_task_member_that_re_enters_or_taps_differently_is_reported()
    {
        var source = Sources.Model("""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            public partial class TaskA;

            [ResTuningBypass<Demo.TinyVit>(Features = 16)]
            [BypassTaps(Taps = "blocks.*", Output = "norm")]
            public partial class TaskB;

            [ResTuningBypass<Demo.TinyVit>(Classes = 2, Features = 16)]
            [BypassTaps(Taps = "blocks.0..2")]
            public partial class TaskC;

            [ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), typeof(TaskB), typeof(TaskC))]
            """);
        var result = Harness.Run(Sources.Backbone, source);

        var messages = result.ConfigurationDiagnostics.Where(d => d.Id == "RT0036").Select(d => d.GetMessage()).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Contains(messages, m => m.Contains("task 'TaskB' re-enters the backbone at 'norm'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("task 'TaskC' taps the backbone differently from 'TaskA'", StringComparison.Ordinal));
        Assert.True(Harness.Result.IsShell(Assert.Single(result.Sources, s => s.HintName == "Demo.Models.Tuned.g.cs")));
    }

    [Fact]
    public void A_head_on_a_re_entering_bypass_is_reported_on_classes()
    {
        var d = Single($"[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\", Output = \"norm\")]\n{Adapters}", "RT0039", "10");
        Assert.Contains("remove Classes, or remove Output", d.GetMessage());
    }
}
