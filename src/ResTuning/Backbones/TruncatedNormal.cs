namespace ResTuning.Backbones;

/// <summary>
/// timm's <c>trunc_normal_</c>: a normal draw with every value outside [<c>a</c>, <c>b</c>] drawn again. It replaces TorchSharp
/// 0.107's <c>nn.init.trunc_normal_</c>, which with <c>std: 0.02</c> sets every value to 0.02 (a ViT whose weights are all
/// equal) and returns NaN for about one value in 20 million (a ViT-S/16 had one in block 10, and every later tap was NaN).
/// </summary>
internal static class TruncatedNormal
{
    /// <summary>Redraw rounds before the rare leftovers are clamped (each round keeps a value with the interval's mass).</summary>
    private const int MaxRounds = 64;

    /// <summary>Fills <paramref name="tensor"/> in place, without recording gradients.</summary>
    /// <param name="tensor">The tensor to fill.</param>
    /// <param name="std">Standard deviation of the normal.</param>
    /// <param name="mean">Mean of the normal.</param>
    /// <param name="a">Lowest value kept (absolute, as timm's).</param>
    /// <param name="b">Highest value kept (absolute).</param>
    public static void Fill(Tensor tensor, double std, double mean = 0, double a = -2, double b = 2)
    {
        if (!(std > 0) || !(a < b) || !double.IsFinite(mean))
            throw new ArgumentException($"A truncated normal needs std > 0, a < b and a finite mean (got std {std}, mean {mean}, a {a}, b {b}).");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        tensor.normal_(mean, std);
        for (var round = 0; round < MaxRounds; round++)
        {
            var outside = tensor.lt(a).logical_or_(tensor.gt(b)).logical_or_(tensor.isnan());
            if (!outside.any().item<bool>()) return;
            tensor.copy_(where(outside, empty_like(tensor).normal_(mean, std), tensor));
        }
        tensor.nan_to_num_(mean).clamp_(a, b);
    }
}
