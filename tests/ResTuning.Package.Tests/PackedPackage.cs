using System.IO;
using ResTuning.Package.Tests.Support;

namespace ResTuning.Package.Tests;

/// <summary>
/// The ResTuning.Dsl package, packed once for the tests of <see cref="PackageCollection"/> into a private temp folder:
/// <c>dotnet pack src/ResTuning --no-build</c> from the outputs the solution build left, with the nuspec written
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

    /// <summary>Packs the package.</summary>
    public PackedPackage()
    {
        Root = Path.Combine(Path.GetTempPath(), $"restuning-package-tests-{Guid.NewGuid():N}");
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        Version = $"{BuildInfo.Version}-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.r{Guid.NewGuid().ToString("N")[..8]}";

        var nuspecFolder = Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar;
        Pack = ChildProcess.RunDotNet(BuildInfo.RepoRoot, TimeSpan.FromMinutes(5), environment: null,
            "pack", BuildInfo.PackageProject, "-c", BuildInfo.Configuration, "--no-build", "-nologo",
            "-o", Feed, $"-p:PackageVersion={Version}", $"-p:NuspecOutputPath={nuspecFolder}");
        if (Pack.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Packing {Id} failed. The package is packed without building from the {BuildInfo.Configuration} outputs: " +
                $"run 'dotnet build ResTuning.Dsl.sln -c {BuildInfo.Configuration}' first.\n{Pack.Output}");
        }
        NupkgPath = Path.Combine(Feed, $"{Id}.{Version}.nupkg");
        if (!File.Exists(NupkgPath))
            throw new InvalidOperationException($"'{Pack.CommandLine}' succeeded but wrote no {NupkgPath}. Output:\n{Pack.Output}");
    }

    /// <summary>The private temp folder holding the feed, the nuspec and the consumer.</summary>
    public string Root { get; }

    /// <summary>The folder the package was packed into (a local NuGet source).</summary>
    public string Feed { get; }

    /// <summary>The packed version.</summary>
    public string Version { get; }

    /// <summary>The .nupkg file.</summary>
    public string NupkgPath { get; }

    /// <summary>The pack command's result (for its duration).</summary>
    internal ProcessResult Pack { get; }

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
    public const string Name = "ResTuning.Dsl package";
}
