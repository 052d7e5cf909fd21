using System.Diagnostics;
using System.IO;
using ResTuning.Package.Tests.Support;
using Xunit.Abstractions;

namespace ResTuning.Package.Tests;

/// <summary>
/// A consumer builds against the packed package (so the generator is loaded from analyzers/dotnet/cs, not a project
/// reference) and runs: the generated constructor, <c>PrintTrainableParameters</c> and a forward pass.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerProjectTests(PackedPackage package, ITestOutputHelper output)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_consumer_of_the_package_generates_builds_and_runs_the_tuned_model()
    {
        var total = Stopwatch.StartNew();
        var directory = Path.Combine(package.Root, "consumer");
        ConsumerProject.Write(directory, package.Feed, package.Version, SharedPackagesFolder());

        // The packed package goes to a private packages folder (deleted with the temp folder); TorchSharp and its
        // natives are read from the shared one.
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(package.Root, "packages") };

        var build = ChildProcess.RunDotNet(directory, BuildTimeout, environment, "build", "-nologo", "-nodeReuse:false").EnsureSuccess();
        var problems = build.Output.Split('\n').Where(l => l.Contains(": warning CS", StringComparison.Ordinal) || l.Contains(": warning RT", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, "The consumer built with compiler warnings:\n" + string.Join('\n', problems));

        var generated = Directory.GetFiles(Path.Combine(directory, "obj"), "Consumer.Tuned.g.cs", SearchOption.AllDirectories);
        var file = Assert.Single(generated);
        Assert.Contains("ResTuning.Generators", file, StringComparison.Ordinal);
        AssertGeneratorCameFromPackage(directory);

        var dll = Directory.GetFiles(Path.Combine(directory, "bin"), ConsumerProject.Name + ".dll", SearchOption.AllDirectories).Single();
        var run = ChildProcess.RunDotNet(directory, RunTimeout, environment, dll).EnsureSuccess();
        var lines = run.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string Failure(string what) => $"{what}. Consumer output:\n{run.Output}";

        Assert.True(lines.Contains(ConsumerProject.ExpectedParameterLine()), Failure($"Expected the line '{ConsumerProject.ExpectedParameterLine()}'"));
        Assert.True(lines.Contains($"output shape: [{ConsumerProject.Batch}, {ConsumerProject.Out}]"), Failure("Wrong or missing output shape"));
        Assert.True(lines.Contains("zero-init max abs difference: 0"), Failure("The zero-initialised tuners changed the backbone's output"));
        Assert.True(lines.Contains("checkpoint round trip: ok"), Failure("The tuner checkpoint did not round-trip"));

        output.WriteLine($"pack {package.Pack.Elapsed.TotalSeconds:F1} s, consumer restore+build {build.Elapsed.TotalSeconds:F1} s, run {run.Elapsed.TotalSeconds:F1} s, test total {total.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(run.Output);
    }

    [Fact]
    public void The_packages_analyzers_turn_a_bad_configuration_into_a_compiler_error()
    {
        var directory = Path.Combine(package.Root, "consumer-bad");
        ConsumerProject.Write(directory, package.Feed, package.Version, SharedPackagesFolder());
        File.WriteAllText(Path.Combine(directory, "Broken.cs"), """
            using ResTuning;

            namespace Consumer;

            [ResTuning<TinyBackbone>]
            [ResAdapter("fc3", Dim = 4)]
            public partial class Broken;
            """);
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(package.Root, "packages-bad") };

        var build = ChildProcess.RunDotNet(directory, BuildTimeout, environment, "build", "-nologo", "-nodeReuse:false");

        Assert.True(build.ExitCode != 0, "The build with a misspelled tap succeeded:\n" + build.Output);
        // Reported once (by the analyzer, not also by the generator), at the tap, with the registered names.
        var errors = build.Output.Split('\n').Where(l => l.Contains("error RT0005", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Contains("Broken.cs(6,", error, StringComparison.Ordinal);
        Assert.Contains("'fc3' is not a registered module of TinyBackbone", error, StringComparison.Ordinal);
        var assets = File.ReadAllText(Path.Combine(directory, "obj", "project.assets.json"));
        Assert.Contains("analyzers/dotnet/cs/ResTuning.Analyzers.dll", assets, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consumer_of_the_onnx_package_loads_the_imagenet_network_and_tunes_it_through_the_dsl()
    {
        var directory = Path.Combine(package.Root, "consumer-onnx");
        OnnxConsumerProject.Write(directory, package.Feed, package.Version, SharedPackagesFolder());
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(package.Root, "packages-onnx") };

        var build = ChildProcess.RunDotNet(directory, BuildTimeout, environment, "build", "-nologo", "-nodeReuse:false").EnsureSuccess();
        var problems = build.Output.Split('\n').Where(l => l.Contains(": warning CS", StringComparison.Ordinal) || l.Contains(": warning RT", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, "The consumer built with compiler warnings:\n" + string.Join('\n', problems));

        // ResTuning.Onnx at the packed version, and through it ResTuning.Dsl with its generator.
        var assets = File.ReadAllText(Path.Combine(directory, "obj", "project.assets.json"));
        Assert.Contains($"\"{PackedPackage.OnnxId}/{package.Version}\"", assets, StringComparison.Ordinal);
        Assert.Contains($"\"{PackedPackage.Id}/{package.Version}\"", assets, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(directory, "obj"), "Consumer.ResNetLoRA.g.cs", SearchOption.AllDirectories));

        var dll = Directory.GetFiles(Path.Combine(directory, "bin"), ConsumerProject.Name + ".dll", SearchOption.AllDirectories).Single();
        var run = ChildProcess.RunDotNet(directory, RunTimeout, environment, dll).EnsureSuccess();
        var lines = run.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string Failure(string what) => $"{what}. Consumer output:\n{run.Output}";

        Assert.True(lines.Any(l => l.StartsWith("model file: ", StringComparison.Ordinal) && l.EndsWith("ResNet18.onnx", StringComparison.Ordinal)), Failure("The model file was not found"));
        Assert.True(lines.Contains(OnnxConsumerProject.ExpectedParameterLine()), Failure($"Expected the line '{OnnxConsumerProject.ExpectedParameterLine()}'"));
        Assert.True(lines.Contains($"output shape: [{OnnxConsumerProject.Batch}, {OnnxConsumerProject.Classes}]"), Failure("Wrong or missing output shape"));
        Assert.True(lines.Contains("zero-init max abs difference: 0"), Failure("The zero-initialised LoRAs changed the network's output"));
        output.WriteLine($"pack {package.OnnxPack.Elapsed.TotalSeconds:F1} s, consumer restore+build {build.Elapsed.TotalSeconds:F1} s, run {run.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(run.Output);
    }

    /// <summary>The restore resolved the generator from the packed package, at the packed version.</summary>
    private void AssertGeneratorCameFromPackage(string directory)
    {
        var assets = File.ReadAllText(Path.Combine(directory, "obj", "project.assets.json"));
        Assert.Contains($"\"{PackedPackage.Id}/{package.Version}\"", assets, StringComparison.Ordinal);
        Assert.Contains("analyzers/dotnet/cs/ResTuning.Generators.dll", assets, StringComparison.Ordinal);
    }

    private static string SharedPackagesFolder()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrEmpty(configured)
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }
}
