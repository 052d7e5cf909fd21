using System.Globalization;
using System.IO;

namespace ResTuning.Package.Tests.Support;

/// <summary>
/// A throwaway application that uses ResTuning.Dsl the way a user would: a PackageReference to the packed
/// version plus TorchSharp-cpu for natives, a tiny backbone and an annotated partial class. It lives outside
/// the repository and stops MSBuild's search for Directory.Build.props/targets and Directory.Packages.props
/// with empty ones of its own, so nothing of the repository's build reaches it.
/// </summary>
internal static class ConsumerProject
{
    /// <summary>The project (and assembly) name.</summary>
    public const string Name = "Consumer";

    /// <summary>Widths of the backbone <c>fc1: In → Hidden</c>, <c>fc2: Hidden → Out</c>.</summary>
    public const int In = 8, Hidden = 16, Out = 4;

    /// <summary>The adapter's bottleneck on <c>fc1</c> and the LoRA rank on <c>fc2</c>.</summary>
    public const int AdapterDim = 4, LoraRank = 2;

    /// <summary>Rows of the input batch.</summary>
    public const int Batch = 3;

    /// <summary>Writes the project into <paramref name="directory"/>.</summary>
    /// <param name="directory">An empty folder outside the repository.</param>
    /// <param name="feed">The local source holding the packed package.</param>
    /// <param name="packageVersion">The packed version to reference.</param>
    /// <param name="sharedPackages">A NuGet packages folder used read-only as a fallback (TorchSharp's natives are already there).</param>
    public static void Write(string directory, string feed, string packageVersion, string sharedPackages)
    {
        WriteProject(directory, feed, sharedPackages, $"""
                <PackageReference Include="ResTuning.Dsl" Version="{packageVersion}" />
                <PackageReference Include="TorchSharp-cpu" Version="{BuildInfo.TorchSharpVersion}" />
            """);

        File.WriteAllText(Path.Combine(directory, "Program.cs"), string.Create(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.IO;
            using ResTuning;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            namespace Consumer;

            public sealed class TinyBackbone : nn.Module<Tensor, Tensor>
            {
                public readonly Linear fc1;
                public readonly Linear fc2;

                public TinyBackbone() : base("tiny")
                {
                    fc1 = nn.Linear({{In}}, {{Hidden}});
                    fc2 = nn.Linear({{Hidden}}, {{Out}});
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => fc2.call(nn.functional.relu(fc1.call(x)));
            }

            [ResTuning<TinyBackbone>]
            [ResAdapter("fc1", Dim = {{AdapterDim}})]
            [LoRA("fc2", Rank = {{LoraRank}})]
            public partial class Tuned;

            public static class Program
            {
                public static int Main()
                {
                    torch.manual_seed(0);
                    var backbone = new TinyBackbone();
                    using var x = torch.randn({{Batch}}, {{In}});
                    using var frozen = backbone.call(x).detach();

                    var tuned = new Tuned(backbone);
                    tuned.PrintTrainableParameters();
                    using var y = tuned.call(x);
                    Console.WriteLine($"output shape: [{string.Join(", ", y.shape)}]");
                    Console.WriteLine($"zero-init max abs difference: {(y - frozen).abs().max().item<float>()}");

                    var checkpoint = Path.Combine(Path.GetTempPath(), $"consumer-{Guid.NewGuid():N}.safetensors");
                    tuned.SaveTuners(checkpoint);
                    tuned.LoadTuners(checkpoint);
                    File.Delete(checkpoint);
                    Console.WriteLine("checkpoint round trip: ok");
                    return 0;
                }
            }
            """));
    }

    /// <summary>
    /// Writes a console project named <see cref="Name"/> into <paramref name="directory"/> with the given package items,
    /// the local <paramref name="feed"/> as a source and <paramref name="sharedPackages"/> as a read-only fallback folder,
    /// behind empty Directory.Build.* files that stop MSBuild's upward search.
    /// </summary>
    public static void WriteProject(string directory, string feed, string sharedPackages, string packageItems)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(directory, file), "<Project>\n  <!-- Stops MSBuild's upward search: nothing of an enclosing build applies. -->\n</Project>\n");

        // Sources: this feed added to the machine's and user's configured sources (the normal registry).
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="restuning-package-test" value="{Escape(feed)}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="shared" value="{Escape(sharedPackages)}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        File.WriteAllText(Path.Combine(directory, Name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <NuGetAudit>false</NuGetAudit>
                <!-- libtorch is ~1 GB: link it from the package folder instead of copying it where the file system allows. -->
                <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
              </PropertyGroup>
              <ItemGroup>
            {packageItems}
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>The line <c>PrintTrainableParameters</c> must print, computed from the layer widths alone.</summary>
    public static string ExpectedParameterLine()
    {
        long Linear(long inputs, long outputs) => inputs * outputs + outputs;
        long backbone = Linear(In, Hidden) + Linear(Hidden, Out);
        long adapter = Linear(In, AdapterDim) + Linear(AdapterDim, Hidden); // reads fc1's input, adds to its output
        long lora = (long)LoraRank * Hidden + (long)Out * LoraRank;          // A: r×in, B: out×r, no bias
        long trainable = adapter + lora, total = backbone + trainable;
        return string.Create(CultureInfo.InvariantCulture,
            $"trainable params: {trainable:N0} || all params: {total:N0} || trainable%: {100.0 * trainable / total:F4}");
    }

    private static string Escape(string path) => System.Security.SecurityElement.Escape(path);
}
