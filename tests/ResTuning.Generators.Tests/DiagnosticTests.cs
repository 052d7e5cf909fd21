using System.IO;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>Bad configurations: one diagnostic each, at the exact span, naming the offending element; and no source.</summary>
public sealed class DiagnosticTests
{
    /// <summary>Runs the generator on a model and asserts a single diagnostic <paramref name="id"/> over <paramref name="needle"/>.</summary>
    private static Diagnostic Single(string attributes, string id, string needle, string declaration = "public partial class Tuned;", string after = "")
    {
        var model = Sources.Model(attributes, declaration);
        var result = Harness.Run(Sources.Backbone, model);
        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal("Input1.cs", diagnostic.Location.GetLineSpan().Path);

        var from = after.Length == 0 ? 0 : model.IndexOf(after, StringComparison.Ordinal) + after.Length;
        var start = model.IndexOf(needle, from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{needle}' not in the model source");
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(start, needle.Length), diagnostic.Location.SourceSpan);
        Assert.Equal($"https://github.com/restuning-dsl/ResTuning.Dsl/blob/main/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        if (diagnostic.Severity == DiagnosticSeverity.Error) Assert.Empty(result.Sources);
        return diagnostic;
    }

    [Fact]
    public void Unresolved_segment_is_named_with_the_closest_registered_name()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mpl\", In = 16)]", "RT0005", "mpl");
        Assert.Equal("Tap 'blocks.*.mpl': 'mpl' is not a registered module of Block; did you mean 'mlp'?", d.GetMessage());
    }

    [Fact]
    public void Unresolved_segment_without_a_close_name_lists_the_children()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[Trainable(\"classifier\")]", "RT0005", "classifier");
        Assert.Contains("registered children: stem, blocks, extra, norm, head, neck, task_heads", d.GetMessage());
    }

    [Fact]
    public void Component_name_replaces_the_field_name()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[Trainable(\"final_norm\")]", "RT0005", "final_norm");
        Assert.EndsWith("registered children: stem, blocks, extra, norm, head, neck, task_heads", d.GetMessage());
    }

    [Fact]
    public void Non_partial_class_is_reported_on_its_name() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", "RT0001", "Tuned", "public class Tuned;");

    [Fact]
    public void Generic_class_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]", "RT0002", "Tuned", "public partial class Tuned<T>;");

    [Fact]
    public void Other_base_class_is_reported()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]", "RT0002", "Tuned", "public partial class Tuned : System.Exception;");
        Assert.Contains("it derives from Exception", d.GetMessage());
    }

    [Fact]
    public void Declaring_the_module_base_class_is_allowed()
    {
        var model = Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]",
            "public partial class Tuned : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;");
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilerProblems());
    }

    [Fact]
    public void Analyzer_form_of_a_diagnostic_lies_in_the_compilation_tree()
    {
        var compilation = Harness.Compilation(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>]\n[Trainable(\"haed\")]"));
        var type = compilation.GetTypeByMetadataName("Demo.Models.Tuned")!;
        var declaration = type.DeclaringSyntaxReferences.Single().GetSyntax();
        var mode = type.GetAttributes().First();
        var result = ResTuning.Generators.Model.ConfigurationParser.ParseParallel(type, declaration, mode, compilation, default);
        var diagnostic = Assert.Single(result.Diagnostics).ToDiagnostic(compilation);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Same(compilation.SyntaxTrees.ElementAt(1), diagnostic.Location.SourceTree);
        Assert.Equal("haed", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("did you mean 'head'?", diagnostic.GetMessage());
    }

    [Fact]
    public void Range_beyond_a_known_count_is_reported_on_the_range()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.2..6.mlp\", In = 16)]", "RT0006", "2..6");
        Assert.Equal("Tap 'blocks.2..6.mlp': range 2..6 is out of bounds; 'blocks' has 4 elements", d.GetMessage());
    }

    [Fact]
    public void Index_beyond_a_known_count_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.4.attn.qkv\")]", "RT0006", "4", after: "blocks.");

    [Fact]
    public void Empty_range_is_malformed() =>
        Single("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.3..3.attn.qkv\")]", "RT0004", "3..3");

    [Fact]
    public void Trailing_dot_is_malformed()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.\", In = 16)]", "RT0004", "", after: "\"blocks.*.");
        Assert.Contains("a segment is empty", d.GetMessage());
    }

    [Theory]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Rank = 0)]", "0", "Rank")]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Alpha = -1)]", "-1", "Alpha")]
    [InlineData("[LoRA(\"blocks.0.attn.qkv\", Dropout = 1.0)]", "1.0", "Dropout")]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Dim = -4)]", "-4", "Dim")]
    [InlineData("[ResPrefix(\"blocks.0.attn\", Length = 0)]", "0", "Length")]
    [InlineData("[ResAdapter(\"blocks.0.mlp\", In = 16, Scale = TunerScaleKind.Lambda)]", "TunerScaleKind.Lambda", "Scale")]
    public void Parameter_out_of_range_is_reported_on_its_value(string attribute, string needle, string parameter)
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n" + attribute, "RT0008", needle, after: parameter + " = ");
        Assert.Contains($": {parameter} must be ", d.GetMessage());
    }

    [Fact]
    public void LoRA_on_a_module_that_is_not_linear_is_reported()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0.mlp\")]", "RT0007", "\"blocks.0.mlp\"");
        Assert.Equal("Tap 'blocks.0.mlp': LoRA cannot be attached to Mlp: LoRA needs a Linear module", d.GetMessage());
    }

    [Fact]
    public void Prefix_on_a_module_that_is_not_an_attention_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResPrefix(\"blocks.0.mlp\")]", "RT0007", "\"blocks.0.mlp\"");

    [Fact]
    public void Name_after_a_module_list_is_a_segment_mismatch()
    {
        var d = Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.mlp\", In = 16)]", "RT0012", "mlp");
        Assert.Contains("'blocks' is a ModuleList", d.GetMessage());
    }

    [Fact]
    public void Index_on_a_plain_module_is_a_segment_mismatch() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"head.0\", In = 16)]", "RT0012", "0", after: "head.");

    [Fact]
    public void Adapter_width_that_cannot_be_inferred_is_reported() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\")]", "RT0009", "\"blocks.0.mlp\"");

    [Fact]
    public void Backbone_that_is_not_a_module_is_reported_on_the_type_argument() =>
        Single("[ResTuning<string>]", "RT0003", "string");

    [Fact]
    public void Two_modes_on_one_class_conflict() =>
        Single("[ResTuning<Demo.TinyVit>]\n[ResTuningBypass<Demo.TinyVit>]\n[BypassTaps(Taps = \"blocks.*\")]", "RT0010", "Tuned");

    [Fact]
    public void Bypass_without_taps_is_reported() =>
        Single("[ResTuningBypass<Demo.TinyVit>(Classes = 10)]", "RT0013", "Tuned");

    [Fact]
    public void Bypass_tap_is_resolved_like_a_parallel_tap() =>
        Single("[ResTuningBypass<Demo.TinyVit>]\n[BypassTaps(Start = \"stem\", Taps = \"block.*\")]", "RT0005", "block");

    [Fact]
    public void Bypass_lambda_out_of_range_is_reported() =>
        Single("[ResTuningBypass<Demo.TinyVit>(Lambda = 1.5)]\n[BypassTaps(Taps = \"blocks.*\")]", "RT0008", "1.5", after: "Lambda = ");

    [Fact]
    public void Every_descriptor_has_a_docs_page_and_a_release_entry()
    {
        var root = RepoRoot();
        var unshipped = File.ReadAllText(Path.Combine(root, "generators/ResTuning.Generators/AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in ResTuning.Generators.Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.True(File.Exists(Path.Combine(root, "docs/diagnostics", descriptor.Id + ".md")), descriptor.Id + " has no docs page");
            Assert.Contains(descriptor.Id + " | ResTuning | " + descriptor.DefaultSeverity, unshipped);
        }
    }

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "../.."));
}
