using System.IO;
using System.Runtime.InteropServices;

namespace ResTuning.Native;

/// <summary>Where a package's native file lands beside an application, for the native files the runtime loads itself.</summary>
internal static class NativeAssets
{
    /// <summary>
    /// <paramref name="file"/> in the application's folder (a RID-specific publish), under its
    /// <c>runtimes/&lt;rid&gt;/native</c> (a portable build), or under that folder beside this assembly; null when absent.
    /// </summary>
    public static string? Find(string file)
    {
        var portableRid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var assemblyDir = Path.GetDirectoryName(typeof(NativeAssets).Assembly.Location);
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, file),
            Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file),
            Path.Combine(AppContext.BaseDirectory, "runtimes", portableRid, "native", file),
            string.IsNullOrEmpty(assemblyDir) ? null : Path.Combine(assemblyDir, "runtimes", portableRid, "native", file),
        };
        return candidates.FirstOrDefault(path => path is not null && File.Exists(path));
    }
}
