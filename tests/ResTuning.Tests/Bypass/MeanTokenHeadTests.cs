using ResTuning.Bypass;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

public sealed class MeanTokenHeadTests
{
    [Fact]
    public void Equals_a_hand_written_layer_norm_token_mean_and_linear()
    {
        manual_seed(5);
        using var head = new MeanTokenHead(8, 3);
        var tokens = randn(2, 5, 8);

        // Reference: per-token normalisation by hand, the mean over tokens, then x·Wᵀ + b.
        var mu = tokens.mean(new long[] { 2 }, keepdim: true);
        var variance = (tokens - mu).pow(2).mean(new long[] { 2 }, keepdim: true);
        var normalised = (tokens - mu) / (variance + 1e-6).sqrt() * head.Norm.weight! + head.Norm.bias!;
        var expected = normalised.mean(new long[] { 1 }).matmul(head.Fc.weight!.t()) + head.Fc.bias!;

        Assert.True(head.call(tokens).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Every_token_reaches_the_output_unlike_the_class_token_head()
    {
        manual_seed(6);
        using var mean = new MeanTokenHead(8, 3);
        using var cls = new ClassTokenHead(8, 3);
        var tokens = randn(1, 4, 8);
        var changed = tokens.clone();
        changed[0, 3] = randn(8);   // a patch token, not the class token

        Assert.False(mean.call(tokens).allclose(mean.call(changed)));
        Assert.True(cls.call(tokens).allclose(cls.call(changed)));
    }

    [Fact]
    public void A_wrong_width_names_the_head_and_both_shapes()
    {
        using var head = new MeanTokenHead(8, 3);
        var error = Assert.Throws<TunerShapeException>(() => head.call(zeros(2, 5, 6)));
        Assert.Contains("head", error.Message);
        Assert.Contains("6", error.Message);
    }
}
