using System.Reflection;

namespace ResTuning.Onnx;

/// <summary>
/// Where the files of the model packages restored by <c>PackageDownload</c> are, and the one error for a package that is
/// not there. A package file is looked up in NuGet's global packages folders, in this order: the folder this assembly was
/// built against (the build records it in the assembly's metadata; right in this repository and on the machine that built
/// the package), <c>NUGET_PACKAGES</c>, then NuGet's default <c>~/.nuget/packages</c> (where a consumer of the
/// ResTuning.Onnx package restores its own <c>PackageDownload</c>).
/// </summary>
internal static class PackageFiles
{
    /// <summary>The metadata key under which the build records its NuGet global packages folder.</summary>
    internal const string PackagesFolderKey = "ResTuning.Onnx.NuGetPackageRoot";

    /// <summary>
    /// The path of <paramref name="pathInPackage"/> in package <paramref name="packageId"/> <paramref name="packageVersion"/>:
    /// the first global packages folder that has it, else the path under the first folder (so that an error names where
    /// the file was expected).
    /// </summary>
    public static string Locate(string packageId, string packageVersion, string pathInPackage) =>
        Locate(packageId, packageVersion, pathInPackage, PackagesFolders());

    /// <summary><see cref="Locate(string, string, string)"/> over the given global packages folders (empty entries skipped).</summary>
    internal static string Locate(string packageId, string packageVersion, string pathInPackage, IEnumerable<string?> packagesFolders)
    {
        // NuGet's global packages folder lays packages out as <id lower-case>/<normalised version>/<file>.
        var relative = Path.Combine(packageId.ToLowerInvariant(), packageVersion.ToLowerInvariant(), pathInPackage);
        var candidates = packagesFolders.Where(f => !string.IsNullOrEmpty(f)).Select(f => Path.Combine(f!, relative)).ToList();
        return candidates.FirstOrDefault(c => File.Exists(c) || Directory.Exists(c))
            ?? candidates.FirstOrDefault()
            ?? relative;
    }

    /// <summary>The global packages folders to search, in order (see the type's remarks).</summary>
    internal static IEnumerable<string?> PackagesFolders()
    {
        yield return typeof(PackageFiles).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == PackagesFolderKey)?.Value;
        yield return Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0) yield return Path.Combine(home, ".nuget", "packages");
    }

    /// <summary>The error for a package file that does not exist: which package it comes from, how to restore it, and <paramref name="otherwise"/>.</summary>
    public static FileNotFoundException Missing(string file, string packageId, string packageVersion, string otherwise) => new(
        $"'{file}' does not exist. It comes from the NuGet package {packageId} {packageVersion}: add " +
        $"<PackageDownload Include=\"{packageId}\" Version=\"[{packageVersion}]\" /> to your project and run 'dotnet restore', " +
        $"or {otherwise}.", file);
}
