using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>RT0022, the custom tuner contract: reported on the type argument for each broken rule, silent on a valid tuner.</summary>
public sealed class CustomTunerTests
{
    private static string Model(string tuner, string typeArgument = "Probe") => Sources.Model(
        $"[ResTuning<Demo.TinyVit>(Features = 16)]\n[CustomTuner<{typeArgument}>(\"blocks.*.mlp\")]",
        "public partial class Tuned;\n\n" + tuner);

    private const string Usings = "using TorchSharp;\nusing static TorchSharp.torch;\n";

    [Fact]
    public Task Valid_custom_tuner_raises_nothing() =>
        Verify.Analyzer(Model("""
            public sealed class Probe : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                public Probe(long inFeatures, long outFeatures) : base("probe") { }
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => x;
            }
            """));

    [Fact]
    public Task Missing_two_width_constructor_is_reported() =>
        Verify.Analyzer(Model("""
            public sealed class Probe : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                public Probe(long features) : base("probe") { }
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => x;
            }
            """, "{|#0:Probe|}"),
            Verify.Diagnostic("RT0022").WithLocation(0).WithMessage(
                "[CustomTuner(\"blocks.*.mlp\")]: 'Demo.Models.Probe' cannot be a custom tuner: it has no public constructor (long inFeatures, long outFeatures); a custom tuner is a non-abstract class deriving from nn.Module<Tensor, Tensor> with a public constructor (long inFeatures, long outFeatures)"));

    [Fact]
    public Task Abstract_tuner_is_reported() =>
        Verify.Analyzer(Model("""
            public abstract class Probe : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                protected Probe(long inFeatures, long outFeatures) : base("probe") { }
            }
            """, "{|RT0022:Probe|}"));

    [Fact]
    public Task Tuner_that_is_no_tensor_module_is_reported() =>
        Verify.Analyzer(Model("""
            public sealed class Probe
            {
                public Probe(long inFeatures, long outFeatures) { }
            }
            """, "{|RT0022:Probe|}"));
}
