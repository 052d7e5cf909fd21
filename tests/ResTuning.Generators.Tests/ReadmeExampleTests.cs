using System.IO;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>The README's DSL example is real code: it compiles with the generator and raises no RT diagnostic.</summary>
public sealed class ReadmeExampleTests
{
    // The README's example names two types of the user's own (a tuner and a second task) and the generative sample's
    // U-Net; minimal stand-ins with the same shape.
    private const string StandIns = """
        using ResTuning;
        using ResTuning.Backbones;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        public sealed class MyTuner : nn.Module<Tensor, Tensor>
        {
            public MyTuner(long inFeatures, long outFeatures) : base("my_tuner") { }
            public override Tensor forward(Tensor x) => x;
        }

        public sealed class DenoisingUNet : nn.Module<Tensor, Tensor, Tensor>
        {
            public readonly Conv2d encoder = nn.Conv2d(3, 64, 3);
            public readonly Conv2d up0 = nn.Conv2d(64, 64, 3);
            public readonly Conv2d up1 = nn.Conv2d(64, 32, 3);
            public readonly Conv2d output = nn.Conv2d(32, 3, 3);
            public DenoisingUNet() : base("unet") => RegisterComponents();
            public override Tensor forward(Tensor x, Tensor t) => output.call(up1.call(up0.call(encoder.call(x))));
        }

        [ResTuningBypass<VisionTransformer>(Classes = 10, Features = 768)]
        [BypassTaps(Taps = "blocks.*")]
        public partial class OtherTaskBypass;
        """;

    [Fact]
    public void The_dsl_example_compiles_cleanly_with_the_generator_and_the_analyzer()
    {
        var example = CSharpBlockAfter(File.ReadAllText(Path.Combine(RepoRoot.Folder, "README.md")), "## The DSL by example");

        var result = Harness.Run(example, StandIns);

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Id != "CS1591");   // the example's own classes have no XML docs
        Assert.Equal(
            new[] { "AllTasks.g.cs", "OtherTaskBypass.g.cs", "UNetBypass.g.cs", "VitBypass.g.cs", "VitTuned.g.cs" },
            result.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void The_bert_example_compiles_cleanly_with_the_generator_and_the_analyzer()
    {
        var example = CSharpBlockAfter(File.ReadAllText(Path.Combine(RepoRoot.Folder, "README.md")), "The tap points:");

        var result = Harness.Run(example);

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Id != "CS1591");
        Assert.Equal(new[] { "MiniLMBypass.g.cs", "MiniLMTuned.g.cs" }, result.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
    }

    private static string CSharpBlockAfter(string markdown, string heading)
    {
        var at = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{heading}' is not in the README");
        var start = markdown.IndexOf("```csharp\n", at, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
        return markdown.Substring(start, end - start);
    }
}
