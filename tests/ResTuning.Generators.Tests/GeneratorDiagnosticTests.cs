using System.Globalization;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// The RT diagnostics the generator reports itself: those that come with a compiler error of the declaration stage
/// (CS0534, CS0616...), after which a command-line build reports no analyzer diagnostic at all. Each is reported at its
/// exact span, once: the analyzer stays silent on it.
/// </summary>
public sealed class GeneratorDiagnosticTests
{
    private const string Torch = "TorchSharp.torch.";
    private const string TwoInputModule = Torch + "nn.Module<" + Torch + "Tensor, " + Torch + "Tensor, " + Torch + "Tensor>";

    [Theory]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", TwoInputModule,
        "'Tuned' must be a non-generic, non-static class: it derives from Module<Tensor, Tensor, Tensor>; the generator makes it a ResTuning.Parallel.ParallelModel<TBackbone>, so declare no base class or that one")]
    // The base class of models before the runtime bases: not abstract, but still not the generated one.
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", Torch + "nn.Module<" + Torch + "Tensor, " + Torch + "Tensor>",
        "'Tuned' must be a non-generic, non-static class: it derives from Module<Tensor, Tensor>; the generator makes it a ResTuning.Parallel.ParallelModel<TBackbone>, so declare no base class or that one")]
    [InlineData("[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]", TwoInputModule,
        "'Tuned' must be a non-generic, non-static class: it derives from Module<Tensor, Tensor, Tensor>; the generator makes it a ResTuning.TunedModel<Tensor>, so declare no base class or that one")]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", "System.Exception",
        "'Tuned' must be a non-generic, non-static class: it derives from Exception; the generator makes it a ResTuning.Parallel.ParallelModel<TBackbone>, so declare no base class or that one")]
    public void Other_base_class_is_reported_at_the_base_class_by_the_generator(string attributes, string baseClass, string message)
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model(attributes, $"public partial class Tuned : {baseClass}, System.IDisposable {{ public void Dispose() {{ }} }}"));

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RT0002", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(baseClass, SpanText(result, diagnostic));
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.DoesNotContain(result.ConfigurationDiagnostics, d => d.Id == "RT0002");
        Assert.Empty(result.Sources);
    }

    // A two-input backbone for the U-Net-like bypass below.
    private const string TwoInputBackbone = """
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        namespace Fz;

        public sealed class TwoIn : nn.Module<Tensor, Tensor, Tensor>
        {
            public readonly Conv2d encoder = nn.Conv2d(3, 8, 3);
            public readonly Conv2d up0 = nn.Conv2d(8, 8, 3);
            public readonly Conv2d up1 = nn.Conv2d(8, 4, 3);
            public readonly Conv2d output = nn.Conv2d(4, 3, 3);
            public TwoIn() : base("two_in") => RegisterComponents();
            public override Tensor forward(Tensor x, Tensor t) => output.call(up1.call(up0.call(encoder.call(x))));
        }
        """;

    // Issue 26's two "silent" fuzz inputs, each beside a parallel model: the rule applies first, whatever the bypass options.
    [Theory]
    [InlineData("[ResTuningBypass<Demo.TinyVit>(Features = 16, Classes = 10, LearnLambda = true)]\n[BypassTaps(Taps = \"extra.*\")]\n[Vertical(BypassTunerKind.Adapter, Dim = 18)]",
        "ResTuning.TunedModel<Tensor>")]
    [InlineData("[ResTuningBypass<Fz.TwoIn>(Widths = new[] { 8, 8, 4 }, LearnLambda = true)]\n[BypassTaps(Start = \"encoder\", Taps = \"up0, up1\", Output = \"output\", Upsample = true)]\n[Vertical(BypassTunerKind.Adapter)]",
        "ResTuning.TunedModel<Tensor, Tensor>")]
    public void Bypass_with_a_non_module_base_beside_a_parallel_model_gets_RT0002_from_the_generator(string attributes, string generatedBase)
    {
        var model = Sources.Model(attributes, "public partial class Byp0 : System.Exception;\n\n[ResTuning<Demo.TinyVit>]\n[LoRA(\"head\")]\npublic partial class Par0;");
        var result = Harness.Run(Sources.Backbone, TwoInputBackbone, model);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RT0002", diagnostic.Id);
        Assert.Equal("System.Exception", SpanText(result, diagnostic));
        Assert.Contains("the generator makes it a " + generatedBase + ",", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.ConfigurationDiagnostics);
        // The parallel model beside it is generated; the bypass is not (it gets no shell: its base is not the generated one).
        Assert.Equal(new[] { "Demo.Models.Par0.g.cs" }, result.Sources.Select(s => s.HintName));
    }

    [Fact]
    public void Base_class_declared_on_another_part_is_reported_there()
    {
        var model = Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]",
            $"public partial class Tuned;\n\npublic partial class Tuned : {TwoInputModule};");
        var result = Harness.Run(Sources.Backbone, model);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RT0002", diagnostic.Id);
        Assert.Equal(TwoInputModule, SpanText(result, diagnostic));
        Assert.Equal(model.LastIndexOf(TwoInputModule, StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
        // The declaration error that hides analyzer diagnostics from a command-line build, and why the generator reports this one.
        Assert.Contains(result.CompilerProblems(), d => d.Id == "CS0534");
    }

    [Fact]
    public void The_generated_base_class_raises_nothing()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]",
            "public partial class Tuned : ResTuning.Parallel.ParallelModel<Demo.TinyVit>;"));
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.ConfigurationDiagnostics);
        Assert.Single(result.Sources);
    }

    [Theory]
    [InlineData("[{|ResTuning|}(Features = 64)]", "ResTuning(Features = 64)", "ResTuning", "(Features = 64)", "CS0616")]
    [InlineData("[{|ResTuningAttribute|}]", "ResTuningAttribute", "ResTuningAttribute", "", "CS0305")]
    [InlineData("[{|ResTuningBypass|}(Classes = 10,\n    Features = 16)]", "ResTuningBypass(Classes = 10, Features = 16)", "ResTuningBypass", "(Classes = 10, Features = 16)", "CS0305")]
    [InlineData("[{|ResTuning.ResTuningMultiTaskAttribute|}(typeof(Tuned))]", "ResTuning.ResTuningMultiTaskAttribute(typeof(Tuned))", "ResTuning.ResTuningMultiTaskAttribute", "(typeof(Tuned))", "CS0305")]
    [InlineData("[{|global::ResTuning.ResTuningBypass|}]", "global::ResTuning.ResTuningBypass", "global::ResTuning.ResTuningBypass", "", "CS0305")]
    // Without 'using ResTuning;' a model in another namespace binds the name to nothing at all.
    [InlineData("[{|ResTuningMultiTask|}(typeof(Tuned))]", "ResTuningMultiTask(typeof(Tuned))", "ResTuningMultiTask", "(typeof(Tuned))", "CS0246", false)]
    public void Model_attribute_without_its_type_argument_is_reported_at_its_name(string attribute, string written, string name, string arguments, string compilerError,
        bool usingResTuning = true)
    {
        var (model, span) = Marked(usingResTuning ? attribute + "\n[LoRA(\"head\")]" : attribute);
        if (!usingResTuning) model = model.Replace("using ResTuning;", "", StringComparison.Ordinal);
        if (!usingResTuning) span -= "using ResTuning;".Length;
        var result = Harness.Run(Sources.Backbone, model);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RT0027", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(span, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(name, SpanText(result, diagnostic));
        Assert.Equal($"[{written}] names no backbone: the model attributes are generic over the backbone's type; write [{name}<MyBackbone>{arguments}], with MyBackbone the backbone's module class",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        // The compiler's declaration error, after which a command-line build prints no analyzer diagnostic.
        Assert.Contains(result.CompilerProblems(), d => d.Id == compilerError);
        Assert.Empty(result.ConfigurationDiagnostics);
    }

    [Theory]
    [InlineData("[ResTuning<Demo.TinyVit>(Features = 64)]\n[LoRA(\"head\")]")]
    [InlineData("[ResTuningAttribute<Demo.TinyVit>]\n[LoRA(\"head\")]")]
    [InlineData("[ResTuning.ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]")]
    // A user's own attribute of the name binds: not the DSL's.
    [InlineData("[Own.ResTuning(Features = 64)]")]
    // It does not bind either, but to nothing of the DSL: the compiler's error is enough.
    [InlineData("[Own.ResTuningBypass(Classes = 1)]")]
    public void Model_attribute_with_its_type_argument_or_another_attribute_raises_nothing(string attributes)
    {
        const string own = "namespace Own { public sealed class ResTuningAttribute : System.Attribute { public int Features { get; set; } } }";
        var result = Harness.Run(Sources.Backbone, Sources.Model(attributes), own);
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "RT0027");
    }

    /// <summary>A model whose attributes mark one span <c>{|...|}</c>: the source without the marks, and where the span starts.</summary>
    private static (string Source, int Start) Marked(string attributes)
    {
        var source = Sources.Model(attributes);
        var start = source.IndexOf("{|", StringComparison.Ordinal);
        return (source.Replace("{|", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal), start);
    }

    /// <summary>The source text under a generator diagnostic's location (a file path and span in one of the inputs).</summary>
    internal static string SpanText(Harness.Result result, Diagnostic diagnostic)
    {
        var path = diagnostic.Location.GetLineSpan().Path;
        var tree = Assert.Single(result.Input.SyntaxTrees, t => t.FilePath == path);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }
}
