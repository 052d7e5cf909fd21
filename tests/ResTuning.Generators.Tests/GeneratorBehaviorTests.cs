using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// What the generator emits around the edges of valid configurations. The RT diagnostics themselves are reported and
/// tested by the analyzers (tests/ResTuning.Analyzers.Tests).
/// </summary>
public sealed class GeneratorBehaviorTests
{
    [Fact]
    public void Declaring_the_module_base_class_compiles_cleanly()
    {
        var model = Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]",
            "public partial class Tuned : ResTuning.Parallel.ParallelModel<Demo.TinyVit>;");
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Single(result.Sources);
        Assert.Empty(result.CompilerProblems());
    }

    [Theory]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mpl\", In = 16)]")]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0.attn.qkv\", Rank = 0)]")]
    public void Invalid_configuration_generates_only_a_shell_that_compiles(string attributes)
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model(attributes));
        Assert.True(Harness.Result.IsShell(Assert.Single(result.Sources)));
        Assert.Empty(result.CompilerProblems());
    }

    [Fact]
    public void Class_that_is_not_partial_generates_nothing() =>
        Assert.Empty(Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", "public class Tuned;")).Sources);

    [Fact]
    public void Configuration_with_warnings_only_still_generates()
    {
        // RT0017 (duplicate tuner) is a warning: the model is still emitted, with both tuners.
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.0.mlp\")]\n[ResAdapter(\"blocks.0.mlp\", Name = \"second\")]"));
        var generated = Assert.Single(result.Sources).SourceText.ToString();
        Assert.Contains("Add(\"adapter\"", generated);
        Assert.Contains("Add(\"second\"", generated);
        Assert.Empty(result.CompilerProblems());
    }

    [Fact]
    public void Attribute_over_several_lines_with_comments_stays_in_one_comment_line()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model(
            "[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", // the MLPs\n    /* small */ Dim = 8)]"));
        var generated = Assert.Single(result.Sources).SourceText.ToString();
        Assert.Contains("// [ResAdapter(\"blocks.*.mlp\", // the MLPs /* small */ Dim = 8)]\n", generated);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void Keyword_names_are_escaped_and_the_hint_name_is_valid()
    {
        var model = """
            using ResTuning;

            namespace Fz.@class.@namespace;

            [ResTuning<Fz.@class.KwNet>]
            [LoRA("for.*.out")]
            [LoRA("switch.a", Rank = 2)]
            [Trainable("for.0.réseau")]
            public partial class @event;
            """;
        var result = Harness.Run(Sources.Backbone, FuzzCases.Backbones, model);
        Assert.Empty(result.ConfigurationDiagnostics);
        var generated = Assert.Single(result.Sources);
        Assert.Equal("Fz.class.namespace.event.g.cs", generated.HintName);
        var text = generated.SourceText.ToString();
        Assert.Contains("namespace Fz.@class.@namespace", text);
        Assert.Contains("partial class @event", text);
        Assert.Contains(".@out", text);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void Infinite_alpha_is_emitted_as_a_double_member()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>]\n[LoRA(\"head\", Alpha = double.PositiveInfinity)]"));
        var text = Assert.Single(result.Sources).SourceText.ToString();
        Assert.Contains("double.PositiveInfinity", text);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("partial record struct")]
    [InlineData("readonly partial struct")]
    [InlineData("partial record")]
    [InlineData("partial interface")]
    public void Model_nested_in_any_kind_of_type_redeclares_it_as_written(string container)
    {
        var model = $$"""
            using ResTuning;

            namespace Demo.Models;

            public {{container}} Outer
            {
                [ResTuning<Demo.TinyVit>]
                [ResAdapter("blocks.0.mlp", In = 16)]
                public partial class Inner;
            }
            """;
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Single(result.Sources);
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("public partial record Tuned;")]
    [InlineData("file partial class Tuned;")]
    public void Type_that_cannot_be_generated_gets_an_error_and_no_source(string declaration)
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", declaration));
        Assert.Empty(result.Sources);
        Assert.Contains(result.ConfigurationDiagnostics, d => d.Id == "RT0002");
    }

    [Fact]
    public void Two_mode_attributes_give_RT0010_and_no_generator_failure()
    {
        var model = Sources.Model("""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            public partial class Shapes;

            [ResTuning<Demo.TinyVit>]
            [ResAdapter("blocks.0.mlp", In = 16)]
            [ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes))]
            """);
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Contains(result.ConfigurationDiagnostics, d => d.Id == "RT0010");
        // The valid model in the same compilation is still generated; the class with two modes gets the shell of its first.
        Assert.Equal("Demo.Models.Shapes.g.cs", Assert.Single(result.Models).HintName);
        Assert.True(Harness.Result.IsShell(Assert.Single(result.Sources, s => s.HintName == "Demo.Models.Tuned.g.cs")));
        Assert.Empty(result.CompilerProblems());
    }

    [Fact]
    public void Models_whose_names_differ_only_in_case_get_distinct_hint_names()
    {
        // Hint names are compared ignoring case: two equal ones failed the run, and with it every model's output (CS8785).
        var model = Sources.Model("""
            [ResTuning<Demo.TinyVit>]
            [ResAdapter("blocks.0.mlp", In = 16)]
            public partial class Tuned;

            [ResTuning<Demo.TinyVit>]
            [ResAdapter("blocks.1.mlp", In = 16)]
            """, "public partial class TUNED;");
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(new[] { "Demo.Models.TUNED.g.cs", "Demo.Models.Tuned.2.g.cs" }, result.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void Mode_attribute_repeated_on_two_partial_declarations_generates_once()
    {
        // CS0579 (the attribute is not AllowMultiple) is the user's error; the generator must not fail on a duplicate hint name.
        var model = Sources.Model("""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            public partial class Tuned;

            [ResTuningBypass<Demo.TinyVit>(Classes = 3, Features = 16)]
            """);
        var result = Harness.Run(Sources.Backbone, model);
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id is "CS8785" or "CS8784");
        Assert.Equal("Demo.Models.Tuned.g.cs", Assert.Single(result.Sources).HintName);
    }
}
