using Microsoft.CodeAnalysis;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// What the generator emits for a bad bypass or multi-task configuration: for an RT error only the model's shell, which
/// compiles; for an RT warning the model itself. Which diagnostic, where and with what message is tested with the analyzer
/// (tests/ResTuning.Analyzers.Tests/BypassConfigurationTests.cs).
/// </summary>
public sealed class BypassShellTests
{
    private const string Adapters = "[Lateral(BypassTunerKind.Adapter, Dim = 8), Vertical(BypassTunerKind.Adapter, Dim = 8)]";

    [Fact]
    public void A_valid_bypass_generates_its_model()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model($"[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n{Adapters}"));

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Empty(result.CompilerProblems());
        Assert.Contains("CreateTapSource", Assert.Single(result.Sources).SourceText.ToString());
    }

    [Theory]
    [InlineData("RT0030", "[BypassTaps(Taps = \"blocks.*, blocks.2.mlp\")]")]
    [InlineData("RT0031", "[BypassTaps(Taps = \"blocks.3, blocks.1\")]")]
    [InlineData("RT0032", "[BypassTaps(Taps = \"blocks.2..4\", Output = \"blocks.1\")]")]
    [InlineData("RT0035", "[BypassTaps(Taps = \"extra.*\")]", "Widths = new[] { 16, 16 }")]
    [InlineData("RT0038", "[BypassTaps(Start = \"extra.*\", Taps = \"blocks.*\")]")]
    [InlineData("RT0039", "[BypassTaps(Taps = \"blocks.*\", Output = \"norm\")]", "Classes = 10, Features = 16")]
    [InlineData("RT0005", "[BypassTaps(Taps = \"blocks.0,  blocks.1.mpl\")]")]
    public void An_error_generates_only_the_shell_which_compiles(string id, string taps, string model = "Features = 16")
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model($"[ResTuningBypass<Demo.TinyVit>({model})]\n{taps}\n{Adapters}"));

        Assert.Empty(result.GeneratorDiagnostics);
        var diagnostic = Assert.Single(result.ConfigurationDiagnostics);
        Assert.Equal((id, DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        Assert.Empty(result.Models);
        Assert.True(Harness.Result.IsShell(Assert.Single(result.Sources)));
        Assert.Empty(result.CompilerProblems());
    }

    [Theory]
    [InlineData("[Trainable(\"head\")]")]
    [InlineData("[DoRA(\"blocks.0.mlp.fc1\", Rank = 2)]")]
    public void A_warning_still_generates_the_model(string extra)
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model($"[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n{Adapters}\n{extra}"));

        Assert.Equal(("RT0037", DiagnosticSeverity.Warning), (Assert.Single(result.ConfigurationDiagnostics).Id, result.ConfigurationDiagnostics[0].Severity));
        Assert.False(Harness.Result.IsShell(Assert.Single(result.Sources)));
        Assert.Empty(result.CompilerProblems());
    }

    [Fact]
    public void A_multi_task_group_whose_tasks_tap_differently_generates_only_its_shell()
    {
        var source = Sources.Model("""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            public partial class TaskA;

            [ResTuningBypass<Demo.TinyVit>(Classes = 2, Features = 16)]
            [BypassTaps(Taps = "blocks.0..2")]
            public partial class TaskC;

            [ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), typeof(TaskC))]
            """);
        var result = Harness.Run(Sources.Backbone, source);

        Assert.Equal("RT0036", Assert.Single(result.ConfigurationDiagnostics).Id);
        Assert.True(Harness.Result.IsShell(Assert.Single(result.Sources, s => s.HintName == "Demo.Models.Tuned.g.cs")));
        Assert.Empty(result.CompilerProblems());
    }
}
