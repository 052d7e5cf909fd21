using System.IO;
using System.Runtime.CompilerServices;

namespace ResTuning.TestSupport;

/// <summary>The repository's root folder, for tests that read its documents (README, docs/, release notes).</summary>
internal static class RepoRoot
{
    /// <summary>The absolute path of the root.</summary>
    public static string Folder { get; } = From();

    // This file is tests/Shared/RepoRoot.cs.
    private static string From([CallerFilePath] string file = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "../.."));
}
