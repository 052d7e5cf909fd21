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
            "public partial class Tuned : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;");
        var result = Harness.Run(Sources.Backbone, model);
        Assert.Single(result.Sources);
        Assert.Empty(result.CompilerProblems());
    }

    [Theory]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.*.mpl\", In = 16)]", "public partial class Tuned;")]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0.attn.qkv\", Rank = 0)]", "public partial class Tuned;")]
    [InlineData("[ResTuning<Demo.TinyVit>]\n[ResAdapter(\"blocks.0.mlp\", In = 16)]", "public class Tuned;")]
    public void Invalid_configuration_generates_no_source(string attributes, string declaration) =>
        Assert.Empty(Harness.Run(Sources.Backbone, Sources.Model(attributes, declaration)).Sources);

    [Fact]
    public void Configuration_with_warnings_only_still_generates()
    {
        // RT0017 (duplicate tuner) is a warning: the model is still emitted, with both tuners.
        var result = Harness.Run(Sources.Backbone, Sources.Model("[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.0.mlp\")]\n[ResAdapter(\"blocks.0.mlp\")]"));
        var generated = Assert.Single(result.Sources).SourceText.ToString();
        Assert.Contains("adapter_1", generated);
        Assert.Empty(result.CompilerProblems());
    }
}
