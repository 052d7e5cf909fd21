using System.IO;
using ResTuning.Package.Tests.Support;

namespace ResTuning.Package.Tests;

/// <summary>
/// The ResTuning.Dsl package and the ResTuning.Onnx package (which depends on it), packed once for the tests of
/// <see cref="PackageCollection"/> into one private temp folder at one version: <c>dotnet pack src/ResTuning --no-build</c>
/// and <c>dotnet pack src/ResTuning.Onnx --no-build</c> from the outputs the solution build left, with the nuspecs written
/// to the temp folder too, so nothing under the repository's bin/obj changes while other test assemblies run.
/// </summary>
/// <remarks>
/// The version gets a unique prerelease suffix so that no copy of an earlier package in a NuGet cache can
/// stand in for this one. Set <c>RESTUNING_KEEP_PACKAGE_TEST=1</c> to keep the temp folder for inspection.
/// </remarks>
public sealed class PackedPackage : IDisposable
{
    /// <summary>The package id.</summary>
    public const string Id = "ResTuning.Dsl";

    /// <summary>The importers' package id.</summary>
    public const string OnnxId = "ResTuning.Onnx";

    /// <summary>Packs the packages.</summary>
    public PackedPackage()
    {
        Root = Path.Combine(Path.GetTempPath(), $"restuning-package-tests-{Guid.NewGuid():N}");
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        Version = $"{BuildInfo.Version}-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.r{Guid.NewGuid().ToString("N")[..8]}";

        var nuspecFolder = Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar;
        (Pack, NupkgPath) = PackProject(BuildInfo.PackageProject, Id, nuspecFolder);
        (OnnxPack, OnnxNupkgPath) = PackProject(BuildInfo.OnnxPackageProject, OnnxId, nuspecFolder);
    }

    private (ProcessResult Pack, string Nupkg) PackProject(string project, string id, string nuspecFolder)
    {
        var pack = ChildProcess.RunDotNet(BuildInfo.RepoRoot, TimeSpan.FromMinutes(5), environment: null,
            "pack", project, "-c", BuildInfo.Configuration, "--no-build", "-nologo",
            "-o", Feed, $"-p:PackageVersion={Version}", $"-p:NuspecOutputPath={nuspecFolder}");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Packing {id} failed. The package is packed without building from the {BuildInfo.Configuration} outputs: " +
                $"run 'dotnet build ResTuning.Dsl.sln -c {BuildInfo.Configuration}' first.\n{pack.Output}");
        }
        var nupkg = Path.Combine(Feed, $"{id}.{Version}.nupkg");
        if (!File.Exists(nupkg))
            throw new InvalidOperationException($"'{pack.CommandLine}' succeeded but wrote no {nupkg}. Output:\n{pack.Output}");
        return (pack, nupkg);
    }

    /// <summary>The private temp folder holding the feed, the nuspec and the consumer.</summary>
    public string Root { get; }

    /// <summary>The folder the package was packed into (a local NuGet source).</summary>
    public string Feed { get; }

    /// <summary>The packed version.</summary>
    public string Version { get; }

    /// <summary>The ResTuning.Dsl .nupkg file.</summary>
    public string NupkgPath { get; }

    /// <summary>The ResTuning.Onnx .nupkg file.</summary>
    public string OnnxNupkgPath { get; }

    /// <summary>The ResTuning.Dsl pack command's result (for its duration).</summary>
    internal ProcessResult Pack { get; }

    /// <summary>The ResTuning.Onnx pack command's result (for its duration).</summary>
    internal ProcessResult OnnxPack { get; }

    /// <summary>Deletes the temp folder, unless <c>RESTUNING_KEEP_PACKAGE_TEST=1</c>.</summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("RESTUNING_KEEP_PACKAGE_TEST") == "1") return;
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The tests sharing one <see cref="PackedPackage"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ResTuning packages";
}
