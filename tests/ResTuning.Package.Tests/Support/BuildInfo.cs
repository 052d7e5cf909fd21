using System.IO;
using System.Reflection;

namespace ResTuning.Package.Tests.Support;

/// <summary>Facts of the build that produced this test assembly (written by the project file as assembly metadata).</summary>
internal static class BuildInfo
{
    /// <summary>The repository root, with a trailing separator.</summary>
    public static string RepoRoot => Metadata("ResTuning.RepoRoot");

    /// <summary>The configuration these tests (and so the packed outputs) were built in, e.g. <c>Release</c>.</summary>
    public static string Configuration => Metadata("ResTuning.Configuration");

    /// <summary>The repository's version (<c>Version</c> in Directory.Build.props).</summary>
    public static string Version => Metadata("ResTuning.Version");

    /// <summary>The TorchSharp version the package depends on.</summary>
    public static string TorchSharpVersion => Metadata("ResTuning.TorchSharpVersion");

    /// <summary>The project that packs as ResTuning.Dsl.</summary>
    public static string PackageProject => Path.Combine(RepoRoot, "src", "ResTuning", "ResTuning.csproj");

    /// <summary>The project that packs as ResTuning.Onnx.</summary>
    public static string OnnxPackageProject => Path.Combine(RepoRoot, "src", "ResTuning.Onnx", "ResTuning.Onnx.csproj");

    private static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing: ResTuning.Package.Tests.csproj writes it.");
}
