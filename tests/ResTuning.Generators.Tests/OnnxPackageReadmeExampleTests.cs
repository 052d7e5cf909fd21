using System.Text;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// The ResTuning.Onnx package README's examples (src/ResTuning.Onnx/PackageReadme.md) are real code: the model declaration
/// generates cleanly and the usage snippets compile against it and ResTuning.Onnx.
/// </summary>
public sealed class OnnxPackageReadmeExampleTests
{
    [Fact]
    public void Every_example_compiles_with_the_generator_and_raises_no_RT_diagnostic()
    {
        var blocks = MarkdownCode.CSharpBlocks("src/ResTuning.Onnx/PackageReadme.md");
        var declaration = Assert.Single(blocks, b => b.Contains("partial class", StringComparison.Ordinal));
        var snippets = blocks.Where(b => b != declaration).ToList();
        Assert.Equal(2, snippets.Count);   // the ResNet and MiniLM usages

        // Each usage snippet in its own scope, with the variable the README assumes.
        var usage = new StringBuilder("""
            using ResTuning;
            using ResTuning.Backbones;
            using ResTuning.Onnx;
            using TorchSharp;
            using static TorchSharp.torch;

            public static class Usage
            {
                public static void Run(Tensor rgb)
                {

            """);
        foreach (var snippet in snippets) usage.Append("        {\n").Append(snippet).Append("        }\n");
        usage.Append("    }\n}\n");
        var compilation = Harness.Compilation(declaration, usage.ToString())
            .AddReferences(MetadataReference.CreateFromFile(typeof(ResTuning.Onnx.ImageNetResNet18).Assembly.Location));

        var result = Harness.Run(compilation);

        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Id != "CS1591");
        Assert.Equal(new[] { "ResNetLoRA.g.cs" }, result.Sources.Select(s => s.HintName));
    }
}
