using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// A model whose RT errors stop its generation gets a shell: the normal model's base class, constructors and public
/// members, each throwing. Code using the class then compiles, so the RT diagnostics are the build's only errors; the
/// shell's members are the normal model's (compared on the symbols); and a class that cannot carry a shell gets none.
/// </summary>
public sealed class ShellTests
{
    private const string Parallel = "[ResTuning<Demo.TinyVit>(Features = 16)]\n[LoRA(\"blocks.0.attn.qkv\", Rank = 2)]\n[ResAdapter(\"blocks.*.mlp\", Dim = 4)]";
    private const string ParallelBroken = "[ResTuning<Demo.TinyVit>(Features = 16)]\n[LoRA(\"blocks.0.attn.qkv\", Rank = 0)]\n[ResAdapter(\"blocks.*.mpl\", Dim = 4)]";
    // A DoRA merges too: the shell of a broken model with one declares Merge, Unmerge and MergeAndUnload as well.
    private const string ParallelDoRA = "[ResTuning<Demo.TinyVit>(Features = 16)]\n[DoRA(\"blocks.0.attn.qkv\", Rank = 2)]\n[ResAdapter(\"blocks.*.mlp\", Dim = 4)]";
    private const string ParallelDoRABroken = "[ResTuning<Demo.TinyVit>(Features = 16)]\n[DoRA(\"blocks.0.attn.qkv\", Rank = 0)]\n[ResAdapter(\"blocks.*.mpl\", Dim = 4)]";
    private const string Bypass = "[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]\n[BypassTaps(Taps = \"blocks.*\")]";
    private const string BypassBroken = "[ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16, Lambda = 1.5)]\n[BypassTaps(Taps = \"blocks.*\")]";

    /// <summary>Code that uses every member a parallel model with a LoRA has: before shells, each line was CS1729 or CS1061.</summary>
    private const string UseParallel = """
        public static class Use
        {
            public static void Run(Demo.TinyVit backbone, TorchSharp.torch.Tensor x)
            {
                using var model = new Tuned(backbone);
                var y = model.call(x);
                ResTuning.ITunedModel tuned = model;
                tuned.PrintTrainableParameters();
                model.SaveTuners("tuners.safetensors");
                var merged = model.Merge();
                var unmerged = model.Unmerge();
                using (model.DisableTuners()) { }
                Demo.TinyVit back = model.MergeAndUnload();
                var taps = model.Taps.Taps.Count;
            }
        }
        """;

    private const string UseBypass = """
        public static class Use
        {
            public static void Run(Demo.TinyVit backbone, TorchSharp.torch.Tensor x)
            {
                using var model = new Tuned(backbone);
                using var shared = new Tuned(backbone, Tuned.CreateTapSource(backbone), head: null);
                var y = model.call(x);
                var z = shared.Run(model.Source.Collect(x, model.LastTap));
                var b = model.Bypass;
                Demo.TinyVit back = model.Backbone;
                model.LoadTuners("tuners.safetensors");
            }
        }
        """;

    private const string UseMultiTask = """
        public static class Use
        {
            public static void Run(Demo.TinyVit backbone, TorchSharp.torch.Tensor x)
            {
                using var group = new Tuned(backbone);
                TorchSharp.torch.Tensor[] all = group.ForwardAll(x);
                Shapes shapes = group.Shapes;
                var source = group.Source;
                Demo.TinyVit back = group.Backbone;
                group.PrintTrainableParameters();
            }
        }
        """;

    private const string Tasks = """
        [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
        [BypassTaps(Taps = "blocks.*")]
        public partial class Shapes;

        [ResTuningBypass<Demo.TinyVit>(Classes = 3, Features = 16)]
        [BypassTaps(Taps = "blocks.*"{0})]
        public partial class Colors;

        [ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes), typeof(Colors))]
        """;

    public static TheoryData<string, string, string> BrokenModels() => new()
    {
        { ParallelBroken, UseParallel, "RT0005 RT0008" },
        { ParallelDoRABroken, UseParallel, "RT0005 RT0008" },
        { BypassBroken, UseBypass, "RT0008" },
        // Colors re-enters the backbone, which a task cannot (RT0036): the group gets a shell, the tasks are valid.
        { string.Format(System.Globalization.CultureInfo.InvariantCulture, Tasks, ", Output = \"norm\""), UseMultiTask, "RT0036 RT0039" },
    };

    [Theory]
    [MemberData(nameof(BrokenModels))]
    public void Using_a_model_with_RT_errors_adds_no_compiler_error(string attributes, string use, string ids)
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model(attributes, "public partial class Tuned;\n\n" + use));

        Assert.Equal(ids.Split(' '), result.ConfigurationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().Order());
        var shell = Assert.Single(result.Sources, s => s.HintName == "Demo.Models.Tuned.g.cs").SourceText.ToString();
        Assert.Contains("global::ResTuning.CompilerServices.InvalidModel", shell, StringComparison.Ordinal);
        Assert.Empty(result.CompilerProblems());
    }

    public static TheoryData<string, string, string> ValidAndBroken() => new()
    {
        { "parallel with a LoRA", Parallel, ParallelBroken },
        { "parallel with a DoRA", ParallelDoRA, ParallelDoRABroken },
        { "parallel", "[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mlp\", In = 16)]", "[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mlp\", In = 16, Dim = 0)]" },
        { "bypass", Bypass, BypassBroken },
        { "bypass over a two-input backbone", "[ResTuningBypass<Fz.@class.Denoiser>(Features = 8)]\n[BypassTaps(Taps = \"down.*\")]",
            "[ResTuningBypass<Fz.@class.Denoiser>(Features = 8)]\n[BypassTaps(Taps = \"down.*.nope\")]" },
        { "multi-task", string.Format(System.Globalization.CultureInfo.InvariantCulture, Tasks, ""),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, Tasks, ", Output = \"norm\"") },
    };

    [Theory]
    [MemberData(nameof(ValidAndBroken))]
    public void A_shell_has_the_base_class_constructors_and_members_of_the_normal_model(string mode, string valid, string broken)
    {
        var normal = Harness.Run(Sources.Backbone, FuzzCases.Backbones, Sources.Model(valid));
        var shell = Harness.Run(Sources.Backbone, FuzzCases.Backbones, Sources.Model(broken));
        Assert.DoesNotContain(normal.ConfigurationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(shell.ConfigurationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);

        var (normalBase, normalMembers) = Surface(normal);
        var (shellBase, shellMembers) = Surface(shell);
        Assert.Equal(normalBase, shellBase);
        Assert.True(normalMembers.Any(m => m.Contains(".Tuned(", StringComparison.Ordinal)), mode + ": no constructor among " + string.Join(", ", normalMembers));
        Assert.Equal(normalMembers, shellMembers);
        Assert.Empty(shell.CompilerProblems());
    }

    [Theory]
    [InlineData("public class Tuned;")]                          // RT0001: no part to add
    [InlineData("public partial record Tuned;")]                 // RT0002
    [InlineData("public partial class Tuned<T>;")]               // RT0002
    [InlineData("public partial class Tuned : System.Exception;")] // RT0002: another base class
    [InlineData("public partial class Tuned { public void Merge() { } }")] // RT0023: the shell would declare Merge too
    [InlineData("internal sealed class Hidden : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> { public Hidden() : base(\"h\") { } public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => x; }\n[ResTuning<Hidden>]\n[LoRA(\"fc\")]\npublic partial class Other;\npublic partial class Tuned;")] // RT0024 on Other
    public void A_class_that_cannot_carry_a_shell_gets_none(string declaration)
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0.attn.qkv\", Rank = 0)]", declaration));
        Assert.DoesNotContain(result.Sources, s => s.SourceText.ToString().Contains("InvalidModel", StringComparison.Ordinal));
        // Whatever the compiler reports, none of it is in generated code.
        var generated = result.Sources.Select(s => s.SyntaxTree).ToHashSet();
        Assert.DoesNotContain(result.CompilerProblems(), d => d.Location.SourceTree is { } tree && generated.Contains(tree));
    }

    [Theory]
    [InlineData("public partial record Shapes;")]   // RT0002 on the task
    [InlineData("public class Shapes;")]            // RT0001 on the task
    public void A_group_over_a_task_without_members_gets_a_shell(string task)
    {
        // The group itself is valid, but the task gets neither its model nor a shell: the group's code, which calls the
        // task's constructors and CreateTapSource, would not compile. The group gets a shell; the task's error is the build's.
        var result = Harness.Run(Sources.Backbone, Sources.Model($$"""
            [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
            [BypassTaps(Taps = "blocks.*")]
            {{task}}

            [ResTuningMultiTask<Demo.TinyVit>(typeof(Shapes))]
            """, "public partial class Tuned;\n\n" + UseMultiTask.Replace("Shapes shapes = group.Shapes;", "", StringComparison.Ordinal)));

        Assert.True(Harness.Result.IsShell(Assert.Single(result.Sources, s => s.HintName == "Demo.Models.Tuned.g.cs")));
        Assert.Empty(result.CompilerProblems());
        Assert.Contains(result.ConfigurationDiagnostics, d => d.Id is "RT0001" or "RT0002");
    }

    [Fact]
    public void A_shell_constructor_throws_naming_the_model_before_the_backbone_is_touched()
    {
        var result = Harness.Run(Sources.Backbone, Sources.Model(ParallelBroken), Sources.Model(BypassBroken, "public partial class Detached;"));
        Assert.Empty(result.CompilerProblems());
        using var image = new MemoryStream();
        var emit = result.Output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));

        ResTuning.Native.TorchNatives.Initialize();
        var context = new AssemblyLoadContext("shells", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(image.ToArray()));
            var backbone = (TorchSharp.torch.nn.Module)Activator.CreateInstance(assembly.GetType("Demo.TinyVit", throwOnError: true)!, 16L, 2L, 10L)!;
            foreach (var model in new[] { "Demo.Models.Tuned", "Demo.Models.Detached" })
            {
                var type = assembly.GetType(model, throwOnError: true)!;
                var constructor = type.GetConstructors().First(c => c.GetParameters().Length <= 2);
                var arguments = constructor.GetParameters().Select((p, i) => i == 0 ? (object?)backbone : null).ToArray();
                var error = Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(() => constructor.Invoke(arguments)).InnerException);
                var name = model.Substring(model.LastIndexOf('.') + 1);
                Assert.StartsWith($"'{name}' has ResTuning configuration errors", error.Message, StringComparison.Ordinal);
                Assert.Contains("RT diagnostics", error.Message, StringComparison.Ordinal);
            }
            // The base constructors never ran: nothing was frozen or hooked.
            Assert.All(backbone.parameters(), p => Assert.True(p.requires_grad));
            var create = assembly.GetType("Demo.Models.Detached")!.GetMethod("CreateTapSource")!;
            Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(() => create.Invoke(null, new object[] { backbone })).InnerException);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The base class and the public and protected members the generated part of <c>Demo.Models.Tuned</c> declares, minus the optional constant count.</summary>
    private static (string Base, List<string> Members) Surface(Harness.Result result)
    {
        var generated = result.Sources.Select(s => s.SyntaxTree).ToHashSet();
        var type = result.Output.GetTypeByMetadataName("Demo.Models.Tuned")!;
        var members = type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected)
            .Where(m => m.DeclaringSyntaxReferences.Any(r => generated.Contains(r.SyntaxTree)))
            .Where(m => m.Name != "TrainableParameterCount")
            .Select(m => $"{m.DeclaredAccessibility} {(m.IsStatic ? "static " : "")}{(m.IsOverride ? "override " : "")}{m.Kind} {m.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}"
                + (m is IMethodSymbol method ? " : " + method.ReturnType.ToDisplayString() : m is IPropertySymbol property ? " : " + property.Type.ToDisplayString() : ""))
            .Order(StringComparer.Ordinal)
            .ToList();
        return (type.BaseType!.ToDisplayString(), members);
    }
}
