using ResTuning.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

/// <summary>The ViT's initialiser against the truncated normal's closed form, and the NaN it replaces.</summary>
public sealed class TruncatedNormalTests
{
    public TruncatedNormalTests() => ResTuning.Native.TorchNatives.Initialize();

    [Fact]
    public void A_random_ViT_S_has_finite_weights_spread_as_timm_draws_them()
    {
        // TorchSharp 0.107's nn.init.trunc_normal_(std: 0.02) sets every value to 0.02 (and, rarely, NaN): this very model
        // (seed 0) had identical weights everywhere and a NaN in blocks.10.mlp.fc1.weight.
        manual_seed(0);
        using var vit = new VisionTransformer(VitConfig.Small with { ImageSize = 96 });
        foreach (var (name, p) in vit.named_parameters())
            Assert.True(p.isfinite().all().item<bool>(), $"{name} has a value that is not finite");
        var qkv = vit.get_parameter("blocks.0.attn.qkv.weight")!;
        Assert.Equal(0.0, qkv.mean().item<float>(), 0.001);
        Assert.Equal(0.02, qkv.std().item<float>(), 0.0005);
    }

    [Fact]
    public void Values_follow_the_truncated_normal_and_stay_inside_the_interval()
    {
        manual_seed(4);
        var x = empty(1_000_000, dtype: ScalarType.Float64);
        TruncatedNormal.Fill(x, std: 2.0, mean: 0.5, a: -1.5, b: 2.5);  // truncated at ±1 standard deviation

        Assert.True(x.ge(-1.5).logical_and(x.le(2.5)).all().item<bool>());
        // Closed form for a normal truncated at ±1σ: mean unchanged, std = σ·sqrt(1 − 2φ(1)/(Φ(1) − Φ(−1))).
        var phi1 = Math.Exp(-0.5) / Math.Sqrt(2 * Math.PI);
        var mass = 0.6826894921370859;
        var expectedStd = 2.0 * Math.Sqrt(1 - 2 * phi1 / mass);
        Assert.Equal(0.5, x.mean().item<double>(), 0.005);
        Assert.Equal(expectedStd, x.std().item<double>(), 0.005);
    }

    [Fact]
    public void Bad_parameters_are_refused_naming_them()
    {
        var error = Assert.Throws<ArgumentException>(() => TruncatedNormal.Fill(empty(3), std: 0.02, a: 1, b: -1));
        Assert.Contains("a < b", error.Message);
    }
}
