using ResTuning.Bypass;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

/// <summary>The recurrence, the λ form, re-entry and gradients against independent computations.</summary>
public class BypassMathTests
{
    [Theory]
    [InlineData("sum")]
    [InlineData("fixed")]
    [InlineData("learned")]
    public void Output_follows_the_recurrence_written_out_by_hand(string mixKind)
    {
        using var _ = Torch.Scope(seed: 30, ScalarType.Float64);
        var vit = BypassFixtures.TinyVit();
        Func<BypassMix>? mix = mixKind switch { "fixed" => () => BypassMix.Lambda(0.3), "learned" => () => BypassMix.LearnedLambda(0.7), _ => null };
        var stages = BypassFixtures.RandomAdapterStages(2, 8, mix);
        var head = new ClassTokenHead(8, 3);
        var bypass = new ResTuningBypass(new VitTapSource(vit), stages, head);
        var images = randn(2, 3, 8, 8);

        var lambda = mixKind switch { "fixed" => 0.3, "learned" => 0.7, _ => double.NaN };
        Tensor Mix(Tensor l, Tensor v) => double.IsNaN(lambda) ? l + v : lambda * l + (1 - lambda) * v;
        var x0 = vit.Embed(images);
        var x1 = vit.Blocks[0].call(x0);
        var x2 = vit.Blocks[1].call(x1);
        var b1 = Mix(stages[0].Lateral.call(x1), stages[0].Vertical.call(x0));
        var b2 = Mix(stages[1].Lateral.call(x2), stages[1].Vertical.call(b1));
        var expected = head.Fc.call(ReferenceLayerNorm(b2, head).select(1, 0));

        Assert.True(Torch.MaxAbsDiff(expected, bypass.call(images)) < 1e-12);
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("fixed")]
    [InlineData("learned")]
    public void Adapter_stages_give_the_gradients_of_their_two_adapters_called_separately(string mixKind)
    {
        // A stage of two adapters runs their up projections as one product; the reference calls each adapter on its own.
        using var _ = Torch.Scope(seed: 34, ScalarType.Float64);
        Func<BypassMix>? mix = mixKind switch { "fixed" => () => BypassMix.Lambda(0.3), "learned" => () => BypassMix.LearnedLambda(0.7), _ => null };
        var stage = BypassFixtures.RandomAdapterStages(1, 8, mix)[0];
        var tap = randn(2, 5, 8);
        var previous = randn(2, 5, 8);
        var weights = randn(2, 5, 8);

        (stage.call(tap, previous) * weights).sum().backward();
        var fused = stage.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        foreach (var p in stage.parameters()) p.grad = null;
        (stage.Mix.call(stage.Lateral.call(tap), stage.Vertical.call(previous)) * weights).sum().backward();

        Assert.Equal(mixKind == "learned" ? 9 : 8, fused.Count);
        foreach (var (name, parameter) in stage.named_parameters())
            Assert.True(Torch.MaxAbsDiff(fused[name], parameter.grad!) < 1e-12, name);
    }

    [Fact]
    public void Zero_initialised_bypass_reentering_at_the_final_norm_equals_the_plain_backbone()
    {
        using var _ = Torch.Scope(seed: 31);
        var vit = BypassFixtures.TinyVit();
        var images = randn(3, 3, 8, 8);
        var plain = vit.call(images);
        var bypass = new ResTuningBypass(new VitTapSource(vit), BypassStages.Adapters(2, 8, 4, residualLateral: true), reenterAt: "norm");

        var output = bypass.call(images);

        Assert.True(Torch.Same(plain, output));
        Assert.True(output.requires_grad, "re-entered output must stay connected to the bypass");
    }

    [Fact]
    public void Bypass_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 32, ScalarType.Float64);
        var source = new VitTapSource(BypassFixtures.TinyVit());
        var bypass = new ResTuningBypass(source, BypassFixtures.RandomAdapterStages(2, 8, () => BypassMix.LearnedLambda(0.4)), new ClassTokenHead(8, 3));
        var images = randn(2, 3, 8, 8);
        var target = randn(2, 3);

        var checkedCount = FiniteDifference.Check(bypass, () => (bypass.call(images) - target).pow(2).sum(), perTensor: 3);

        Assert.True(checkedCount >= 20, $"{checkedCount} elements checked");
    }

    [Fact]
    public void Reentry_gradients_flow_through_the_frozen_norm_and_head_and_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 33, ScalarType.Float64);
        var vit = BypassFixtures.TinyVit();
        var bypass = new ResTuningBypass(new VitTapSource(vit), BypassFixtures.RandomAdapterStages(2, 8), reenterAt: "norm");
        var images = randn(2, 3, 8, 8);

        FiniteDifference.Check(bypass, () => bypass.call(images).tanh().sum(), perTensor: 3);

        Assert.All(vit.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Lambda_outside_the_unit_interval_is_rejected()
    {
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => BypassMix.Lambda(1.5)).ParamName);
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => BypassMix.LearnedLambda(-0.1)).ParamName);
    }

    private static Tensor ReferenceLayerNorm(Tensor x, ClassTokenHead head) =>
        ResTuning.Tests.Backbones.ReferenceVit.LayerNorm(x, head.Norm.weight!, head.Norm.bias!, 1e-6);
}
