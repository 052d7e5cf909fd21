using System.IO;
using ResTuning.Analyzers.Tests.Support;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Analyzers.Tests;

/// <summary>The descriptor table, its documentation and its release tracking agree.</summary>
public sealed class DescriptorTests
{
    public static TheoryData<string> Ids() => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void Ids_are_unique_consecutive_and_supported()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), ids);
        Assert.Equal(ids, new ResTuningConfigurationAnalyzer().SupportedDiagnostics.Select(d => d.Id));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_has_a_docs_page_with_a_bad_and_a_fixed_example(string id)
    {
        var descriptor = DiagnosticDescriptors.Get(id);
        Assert.Equal($"https://github.com/restuning-dsl/ResTuning.Dsl/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);
        var page = Path.Combine(RepoRoot.Folder, "docs/diagnostics", id + ".md");
        Assert.True(File.Exists(page), id + " has no docs page");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}", text);
        Assert.Contains($"Severity: **{descriptor.DefaultSeverity}**", text);
        foreach (var section in new[] { "## Rule", "## Bad", "## Fixed" })
            Assert.Contains(section, text);
        // The Bad and Fixed sections each hold a C# example with code in it, not only a comment.
        foreach (var section in new[] { "## Bad", "## Fixed" })
            Assert.Contains(Example(text, section).Split('\n'), line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("//", StringComparison.Ordinal));
    }

    /// <summary>The first C# code block of a section.</summary>
    private static string Example(string page, string section)
    {
        var start = page.IndexOf(section, StringComparison.Ordinal);
        var next = page.IndexOf("\n## ", start + section.Length, StringComparison.Ordinal);
        var fence = page.IndexOf("```csharp", start, StringComparison.Ordinal);
        Assert.True(fence >= 0 && (next < 0 || fence < next), section + " has no ```csharp block");
        var end = page.IndexOf("```", fence + 9, StringComparison.Ordinal);
        return page.Substring(fence + 9, end - fence - 9);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_has_a_release_entry_in_the_analyzers_project(string id)
    {
        var descriptor = DiagnosticDescriptors.Get(id);
        var unshipped = File.ReadAllText(Path.Combine(RepoRoot.Folder, "analyzers/ResTuning.Analyzers/AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | ResTuning | {descriptor.DefaultSeverity} | {descriptor.Title}", unshipped);
    }
}
