using System.IO;
using System.IO.Compression;
using System.Xml.Linq;
using ResTuning.Package.Tests.Support;

namespace ResTuning.Package.Tests;

/// <summary>
/// What the packages hold. ResTuning.Dsl: the two libraries with their docs, the Roslyn components, the MKL shim, the
/// README, one dependency. ResTuning.Onnx: its library with docs and README, depending on ResTuning.Dsl at the same version
/// and on the protobuf and tokenizer libraries (so those stay out of ResTuning.Dsl).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackedPackage package)
{
    private const string AnalyzerFolder = "analyzers/dotnet/cs/";

    [Theory]
    [InlineData("lib/net8.0/ResTuning.dll")]
    [InlineData("lib/net8.0/ResTuning.xml")]
    [InlineData("lib/net8.0/ResTuning.Abstractions.dll")]
    [InlineData("lib/net8.0/ResTuning.Abstractions.xml")]
    [InlineData(AnalyzerFolder + "ResTuning.Generators.dll")]
    [InlineData("runtimes/linux-x64/native/librestuning_mkl_shim.so")]
    [InlineData("README.md")]
    public void Package_holds(string entry) => Assert.Contains(entry, Entries());

    [Fact]
    public void Nothing_but_the_Roslyn_components_is_in_the_analyzer_folder_and_no_library_is_there()
    {
        var analyzers = Entries().Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).ToList();
        Assert.All(analyzers, e => Assert.StartsWith(AnalyzerFolder, e, StringComparison.Ordinal));
        Assert.DoesNotContain(AnalyzerFolder + "ResTuning.dll", analyzers);
        Assert.DoesNotContain(AnalyzerFolder + "ResTuning.Abstractions.dll", analyzers);
    }

    [Fact]
    public void Every_analyzer_project_of_the_repository_is_packed()
    {
        var folder = Path.Combine(BuildInfo.RepoRoot, "analyzers");
        var projects = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csproj", SearchOption.AllDirectories) : Array.Empty<string>();
        var entries = Entries();
        foreach (var project in projects)
        {
            var dll = AnalyzerFolder + Path.GetFileNameWithoutExtension(project) + ".dll";
            Assert.True(entries.Contains(dll),
                $"{dll} is missing: add {Path.GetRelativePath(BuildInfo.RepoRoot, project)} to the analyzer item group of src/ResTuning/ResTuning.csproj.");
        }
    }

    [Fact]
    public void The_only_dependency_is_managed_TorchSharp()
    {
        var nuspec = Nuspec();
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        var dependency = Assert.Single(dependencies);
        Assert.Equal("TorchSharp", (string?)dependency.Attribute("id"));
        Assert.Equal(BuildInfo.TorchSharpVersion, (string?)dependency.Attribute("version"));
        Assert.Equal("net8.0", (string?)dependency.Parent!.Attribute("targetFramework"));
    }

    [Fact]
    public void Id_version_and_readme_are_set()
    {
        var metadata = Nuspec().Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(PackedPackage.Id, Value("id"));
        Assert.Equal(package.Version, Value("version"));
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
    }

    [Theory]
    [InlineData("lib/net8.0/ResTuning.Onnx.dll")]
    [InlineData("lib/net8.0/ResTuning.Onnx.xml")]
    [InlineData("README.md")]
    public void Onnx_package_holds(string entry) => Assert.Contains(entry, Entries(package.OnnxNupkgPath));

    [Fact]
    public void Onnx_package_holds_no_other_library_and_no_model_file()
    {
        var entries = Entries(package.OnnxNupkgPath);
        Assert.DoesNotContain(entries, e => e.EndsWith(".dll", StringComparison.Ordinal) && e != "lib/net8.0/ResTuning.Onnx.dll");
        Assert.DoesNotContain(entries, e => e.EndsWith(".onnx", StringComparison.Ordinal));
    }

    [Fact]
    public void Onnx_package_depends_on_the_same_ResTuning_Dsl_and_on_the_protobuf_and_tokenizer_libraries()
    {
        var nuspec = Nuspec(package.OnnxNupkgPath, PackedPackage.OnnxId);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal(PackedPackage.OnnxId, metadata.Elements().Single(e => e.Name.LocalName == "id").Value);
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);
        Assert.Equal(
            new[] { "Google.Protobuf", "Microsoft.ML.Tokenizers", PackedPackage.Id, "TorchSharp" },
            dependencies.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(package.Version, dependencies[PackedPackage.Id]);
        Assert.Equal(BuildInfo.TorchSharpVersion, dependencies["TorchSharp"]);
    }

    private HashSet<string> Entries() => Entries(package.NupkgPath);

    private static HashSet<string> Entries(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    }

    private XDocument Nuspec() => Nuspec(package.NupkgPath, PackedPackage.Id);

    private static XDocument Nuspec(string nupkg, string id)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => e.FullName == id + ".nuspec");
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }
}
