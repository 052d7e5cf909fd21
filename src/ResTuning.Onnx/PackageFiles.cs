using System.Reflection;

namespace ResTuning.Onnx;

/// <summary>
/// Where the files of the model packages restored by <c>PackageDownload</c> are (the build writes their NuGet package folder
/// paths into this assembly's metadata), and the one error for a package that is not there.
/// </summary>
internal static class PackageFiles
{
    /// <summary>The path recorded under <paramref name="key"/> by an <c>AssemblyMetadata</c> item of the project file, or null.</summary>
    public static string? Recorded(string key) => typeof(PackageFiles).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } path
        ? path
        : null;

    /// <summary>The error for a package file that does not exist: which package it comes from, how to restore it, and <paramref name="otherwise"/>.</summary>
    public static FileNotFoundException Missing(string file, string packageId, string packageVersion, string otherwise) => new(
        $"'{file}' does not exist. It comes from the NuGet package {packageId} {packageVersion}: add " +
        $"<PackageDownload Include=\"{packageId}\" Version=\"[{packageVersion}]\" /> to your project and run 'dotnet restore', " +
        $"or {otherwise}.", file);
}
