using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// Inputs the generator cannot turn into compiling code get a diagnostic instead (fuzz findings of issue 12): records,
/// file-local classes, two mode attributes, names the generated members take, less accessible backbones and tasks,
/// abstract tasks, custom tuners whose constructor cannot be called; and the analyzer never throws.
/// </summary>
public sealed class GenerationLimitTests
{
    private const string Adapter = "[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]";

    private const string TwoTasks = """
        [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
        [BypassTaps(Taps = "blocks.*")]
        public partial class Shapes;

        """;

    [Fact]
    public Task Record_is_reported() =>
        Verify.Analyzer(Sources.Model(Adapter, "public partial record {|#0:Tuned|};"),
            Verify.Diagnostic("RT0002").WithLocation(0).WithArguments("Tuned", "it is a record"));

    [Fact]
    public Task File_local_class_is_reported() =>
        Verify.Analyzer(Sources.Model(Adapter, "file partial class {|#0:Tuned|};"),
            Verify.Diagnostic("RT0002").WithLocation(0).WithArguments("Tuned",
                "it is file-local (declared with 'file', in itself or in a containing type), and its generated part lives in another file"));

    [Fact]
    public Task Class_nested_in_a_record_struct_raises_nothing() =>
        Verify.Analyzer("""
            using ResTuning;

            namespace Demo.Models;

            public partial record struct Outer
            {
                [ResTuning<Demo.TinyVit>]
                [ResAdapter("blocks.0.mlp", In = 16)]
                public partial class Inner;
            }
            """);

    [Fact]
    public Task Parallel_and_multi_task_modes_conflict() =>
        Verify.Analyzer(Sources.Model(TwoTasks + "[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]\n[ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes))]",
                "public partial class {|#0:Tuned|};"),
            Verify.Diagnostic("RT0010").WithLocation(0).WithArguments("Tuned", "ResTuning, ResTuningMultiTask"));

    [Fact]
    public Task Bypass_and_multi_task_modes_conflict() =>
        Verify.Analyzer(Sources.Model(TwoTasks + "[ResTuningBypass<Demo.TinyVit>(Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]\n[ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes))]",
                "public partial class {|#0:Tuned|};"),
            Verify.Diagnostic("RT0010").WithLocation(0).WithArguments("Tuned", "ResTuningBypass, ResTuningMultiTask"));

    [Theory]
    [InlineData("[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]", "Bypass")]
    [InlineData("[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]", "Source")]
    [InlineData(Adapter, "Taps")]
    [InlineData(Adapter, "Backbone")]
    public Task Model_named_like_a_generated_member_is_reported(string attributes, string name) =>
        Verify.Analyzer(Sources.Model(attributes, $"public partial class {{|#0:{name}|}};"),
            Verify.Diagnostic("RT0023").WithLocation(0).WithArguments("The model", name, name));

    [Fact]
    public Task Member_named_like_a_generated_member_is_reported() =>
        Verify.Analyzer(Sources.Model(Adapter, "public partial class Tuned\n{\n    public int {|#0:CountParameters|} => 0;\n}"),
            Verify.Diagnostic("RT0023").WithLocation(0).WithArguments("Member", "CountParameters", "Tuned"));

    [Fact]
    public Task Task_named_like_a_generated_member_is_reported() =>
        Verify.Analyzer(Sources.Model("""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            public partial class ForwardAll;

            [{|#0:ResTuningMultiTask<Demo.TinyVit>(typeof(ForwardAll))|}]
            """),
            Verify.Diagnostic("RT0023").WithLocation(0).WithArguments("Task", "ForwardAll", "Tuned"));

    [Theory]
    [InlineData("internal partial class", "is less accessible than 'Tuned', whose generated public property exposes it; make it public, or the multi-task model less accessible")]
    [InlineData("public abstract partial class", "is abstract, and the multi-task model creates each task; make it a concrete class")]
    public Task Task_the_group_cannot_create_or_expose_is_reported(string declaration, string problem) =>
        Verify.Analyzer(Sources.Model($$"""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            {{declaration}} Shapes;

            [{|#0:ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes))|}]
            """),
            Verify.Diagnostic("RT0036").WithLocation(0).WithArguments("Tuned", "Shapes", problem));

    [Fact]
    public Task Backbone_less_accessible_than_the_model_is_reported() =>
        Verify.Analyzer(Sources.Model("[ResTuning<{|#0:Hidden|}>]\n[Trainable(\"fc\")]", """
            public partial class Tuned;

            internal sealed class Hidden : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                public readonly TorchSharp.Modules.Linear fc = TorchSharp.torch.nn.Linear(4, 4);
                public Hidden() : base("hidden") => RegisterComponents();
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => fc.call(x);
            }
            """),
            Verify.Diagnostic("RT0024").WithLocation(0).WithArguments("Demo.Models.Hidden", "Tuned", "public"));

    [Fact]
    public Task Tap_through_a_list_of_a_private_type_is_reported() =>
        Verify.Analyzer(Sources.Model("[ResTuning<Net>(Features = 4)]\n[ResAdapter(\"{|#0:blocks|}.*\")]", """
            public partial class Tuned;

            public sealed class Net : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                private sealed class Block : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
                {
                    public Block() : base("block") { }
                    public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => x;
                }

                private readonly TorchSharp.Modules.ModuleList<Block> blocks = new(new Block());
                public Net() : base("net") => RegisterComponents();
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => blocks[0].call(x);
            }
            """),
            Verify.Diagnostic("RT0025").WithLocation(0).WithArguments("blocks.*", "blocks", "TorchSharp.Modules.ModuleList<Demo.Models.Net.Block>", "to select its elements"));

    [Theory]
    [InlineData("public Probe(ref long inFeatures, ref long outFeatures) : base(\"probe\") { }",
        "its constructor (long, long) takes ref or out parameters, and the generated code passes the widths by value")]
    [InlineData("[System.Obsolete(\"no\", true)] public Probe(long inFeatures, long outFeatures) : base(\"probe\") { }",
        "its constructor (long, long) is [Obsolete] as an error, so the generated code cannot call it")]
    public Task Custom_tuner_constructor_the_generated_code_cannot_call_is_reported(string constructor, string problem) =>
        Verify.Analyzer(Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[CustomTuner<{|#0:Probe|}>(\"blocks.*.mlp\")]", $$"""
            public partial class Tuned;

            public sealed class Probe : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                {{constructor}}
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => x;
            }
            """),
            Verify.Diagnostic("RT0022").WithLocation(0).WithArguments("[CustomTuner(\"blocks.*.mlp\")]", "Demo.Models.Probe", problem));

    [Fact]
    public async Task Trees_sharing_a_path_get_their_diagnostics_in_the_right_tree()
    {
        // Regression: with two trees at the same (empty) path the analyzer threw "outside of the given file" and lost every diagnostic.
        var model = Sources.Model("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mpl\", In = 16)]");
        var compilation = CSharpCompilation.Create("Paths",
            new[] { CSharpSyntaxTree.ParseText(Sources.Backbone, path: ""), CSharpSyntaxTree.ParseText(model, path: "") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, specificDiagnosticOptions: TestReferences.SuppressedUnification));
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (ex, _, _) => exceptions.Add(ex), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ResTuningConfigurationAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        var unresolved = Assert.Single(diagnostics, d => d.Id == "RT0005");
        Assert.Same(compilation.SyntaxTrees.Last(), unresolved.Location.SourceTree);
        Assert.Equal("mpl", unresolved.Location.SourceTree!.GetText().ToString(unresolved.Location.SourceSpan));
    }
}
