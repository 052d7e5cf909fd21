using System.Text;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// The package README's examples (src/ResTuning/PackageReadme.md, packed as the package's README.md) are real code: the
/// model declarations generate cleanly and the usage snippets compile against the generated members.
/// </summary>
public sealed class PackageReadmeExampleTests
{
    [Fact]
    public void Every_example_compiles_with_the_generator_and_raises_no_RT_diagnostic()
    {
        var blocks = MarkdownCode.CSharpBlocks("src/ResTuning/PackageReadme.md");
        var declarations = blocks.Where(b => b.Contains("partial class", StringComparison.Ordinal)).ToList();
        var snippets = blocks.Except(declarations).ToList();
        Assert.Equal(3, declarations.Count);   // parallel, bypass, multi-task

        var models = new StringBuilder("using ResTuning;\nusing ResTuning.Backbones;\n");
        foreach (var block in declarations)
            models.AppendLine(string.Join("\n", block.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal))));

        // Each usage snippet in its own scope, with the variables the README assumes.
        var usage = new StringBuilder("""
            using ResTuning;
            using ResTuning.Backbones;
            using ResTuning.Parallel;
            using ResTuning.Tuners;
            using TorchSharp;
            using static TorchSharp.torch;

            public static class Usage
            {
                public static void Run(System.Func<VisionTransformer> newBackbone, Tensor images, nn.Module<Tensor, Tensor> myHead)
                {

            """);
        foreach (var snippet in snippets)
            usage.Append("        {\n            var backbone = newBackbone();\n").Append(snippet).Append("        }\n");
        usage.Append("    }\n}\n");

        var result = Harness.Run(models.ToString(), usage.ToString());

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Id != "CS1591");
        Assert.Equal(
            new[] { "AllTasks.g.cs", "Colors.g.cs", "Shapes.g.cs", "VitBypass.g.cs", "VitBypassReentry.g.cs", "VitTuned.g.cs" },
            result.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
    }
}
