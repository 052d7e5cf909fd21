using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>GroupNorm layers of the U-Net.</summary>
public static class GroupNorms
{
    /// <summary>
    /// A GroupNorm with 8 groups over <paramref name="channels"/> channels, weight 1 and bias 0. The affine parameters
    /// are set explicitly: TorchSharp 0.107's <c>nn.GroupNorm</c> was seen here to leave them uninitialised (NaN).
    /// </summary>
    public static GroupNorm Create(long channels)
    {
        var norm = nn.GroupNorm(8, channels);
        using var _ = no_grad();
        nn.init.ones_(norm.weight!);
        nn.init.zeros_(norm.bias!);
        return norm;
    }
}
