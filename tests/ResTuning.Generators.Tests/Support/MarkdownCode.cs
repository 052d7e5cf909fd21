using System.IO;
using System.Text.RegularExpressions;

namespace ResTuning.Generators.Tests.Support;

/// <summary>The C# code blocks of a Markdown file in the repository, in order.</summary>
internal static class MarkdownCode
{
    /// <summary>The contents of every <c>```csharp</c> block of <paramref name="relativePath"/> (from the repository root).</summary>
    public static List<string> CSharpBlocks(string relativePath) =>
        Regex.Matches(File.ReadAllText(Path.Combine(RepoRoot.Folder, relativePath)), "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToList();
}
